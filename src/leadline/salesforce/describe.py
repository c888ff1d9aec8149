"""Describing objects as Salesforce does: the global describe (``sobjects``), an object's basic
information and its full describe, from the field map and the configuration."""

from __future__ import annotations

from typing import Any

from leadline.domain.salesforce.fields import (
    ENUM_LABELS,
    SOBJECTS,
    FieldType,
    SObjectField,
    SObjectMap,
    Source,
)
from leadline.domain.salesforce.ids import KEY_PREFIXES
from leadline.domain.salesforce.parts import LINK_OBJECTS, LINKS
from leadline.salesforce.values import Vocabulary

SOAP_TYPES = {FieldType.ID: "tns:ID", FieldType.REFERENCE: "tns:ID", FieldType.BOOLEAN: "xsd:boolean",
              FieldType.INT: "xsd:int", FieldType.DOUBLE: "xsd:double", FieldType.CURRENCY: "xsd:double",
              FieldType.PERCENT: "xsd:double", FieldType.DATE: "xsd:date", FieldType.DATETIME: "xsd:dateTime"}


def object_summary(sobject: SObjectMap, version: str) -> dict[str, Any]:
    base = f"/services/data/{version}/sobjects/{sobject.name}"
    writable = sobject.createable
    return {"name": sobject.name, "label": sobject.label, "labelPlural": sobject.label_plural,
            "keyPrefix": KEY_PREFIXES[sobject.name], "custom": False, "customSetting": False,
            "createable": writable, "updateable": writable and sobject.updateable,
            "deletable": writable and sobject.deletable, "queryable": True,
            "retrieveable": True, "searchable": True, "layoutable": False, "triggerable": False,
            "activateable": False, "mergeable": False, "replicateable": True, "undeletable": False,
            "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"}}


def global_describe(version: str) -> dict[str, Any]:
    return {"encoding": "UTF-8", "maxBatchSize": 200,
            "sobjects": [object_summary(s, version) for s in SOBJECTS.values()]}


def _picklist(vocabulary: Vocabulary, field: SObjectField) -> list[dict[str, Any]]:
    if field.type is not FieldType.PICKLIST:
        return []
    if field.custom:
        labels = list(vocabulary.options.get(field.name, ()))
    elif field.picklist in ENUM_LABELS:  # a domain enumeration's labels (a Task's Status is derived)
        labels = list(ENUM_LABELS[field.picklist].values())
    else:
        labels = list(vocabulary.labels.get(field.picklist, {}).values()) if field.picklist else []
    return [{"active": True, "defaultValue": False, "label": label, "validFor": None, "value": label}
            for label in labels]


def _external(field: SObjectField) -> bool:
    return field.custom and field.type in (FieldType.STRING, FieldType.DOUBLE)


def describe_field(vocabulary: Vocabulary, field: SObjectField) -> dict[str, Any]:
    writable = field.write_as is not None and vocabulary.sobject.createable
    return {
        "name": field.name, "label": field.label, "type": field.type.value, "custom": field.custom,
        "length": field.length if field.type in (FieldType.STRING, FieldType.TEXTAREA, FieldType.EMAIL,
                                                 FieldType.PHONE, FieldType.URL, FieldType.PICKLIST) else 0,
        "nillable": not field.required and field.type is not FieldType.BOOLEAN,
        "createable": writable, "updateable": writable, "calculated": field.source is Source.DERIVED,
        "defaultedOnCreate": field.name in ("Id", "OwnerId", "Status", "CreatedDate", "LastModifiedDate",
                                            "SystemModstamp", "IsDeleted"),
        "externalId": _external(field), "idLookup": field.type is FieldType.ID or _external(field),
        "unique": field.type is FieldType.ID, "filterable": True, "sortable": field.type is not FieldType.TEXTAREA,
        "referenceTo": list(LINK_OBJECTS[field.name]) if field.attribute == LINKS
        else [field.reference_to] if field.type is FieldType.REFERENCE and field.reference_to else [],
        "polymorphicForeignKey": field.attribute == LINKS,
        "relationshipName": field.name[:-2] if field.type is FieldType.REFERENCE and field.name.endswith("Id")
        else None,
        "picklistValues": _picklist(vocabulary, field),
        "soapType": SOAP_TYPES.get(field.type, "xsd:string"),
        "precision": 18 if field.type in (FieldType.CURRENCY, FieldType.DOUBLE) else 0,
        "scale": 2 if field.type is FieldType.CURRENCY else 0,
    }


def describe(vocabulary: Vocabulary, version: str) -> dict[str, Any]:
    return {**object_summary(vocabulary.sobject, version),
            "fields": [describe_field(vocabulary, f) for f in vocabulary.fields],
            "childRelationships": [], "recordTypeInfos": []}

"""Every row class, imported in one place so the metadata is complete for Alembic."""

from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.rows import ActivityLinkRow, ActivityRow
from leadline.persistence.base import Base
from leadline.persistence.configuration.rows import (
    ConversionFieldMappingRow,
    CriterionRow,
    CustomFieldDefinitionRow,
    CustomFieldValueRow,
    LeadSourceRow,
    LeadStatusRow,
    LeadStatusTransitionRow,
    ReasonRow,
)
from leadline.persistence.conversion.rows import LeadConversionRow
from leadline.persistence.duplicates.rows import DuplicateGroupRow, DuplicateRuleRow, MergeRow
from leadline.persistence.forecast.rows import (
    ExchangeRateRow,
    ForecastAdjustmentRow,
    ForecastSnapshotRow,
    OrgSettingRow,
    QuotaRow,
)
from leadline.persistence.leads.rows import LeadProductInterestRow, LeadRow, LeadStatusChangeRow
from leadline.persistence.opportunities.rows import (
    ContactRoleRow,
    LineItemRow,
    OpportunityRow,
    OpportunityStageChangeRow,
    OpportunityStageRow,
    PriceBookEntryRow,
    PriceBookRow,
    ProductRow,
    SalesProcessRow,
)
from leadline.persistence.security.rows import (
    ApiTokenRow,
    AuditEventRow,
    IdempotencyKeyRow,
    SharingDefaultRow,
    SignInThrottleRow,
    UserRow,
)

metadata = Base.metadata

__all__ = [
    "AccountRow", "ActivityLinkRow", "ActivityRow", "ContactRoleRow", "ContactRow",
    "ApiTokenRow", "AuditEventRow", "IdempotencyKeyRow", "SharingDefaultRow", "SignInThrottleRow",
    "CustomFieldDefinitionRow", "CustomFieldValueRow", "LeadProductInterestRow",
    "LeadRow", "LeadSourceRow", "LeadStatusChangeRow", "LeadStatusRow", "LineItemRow",
    "OpportunityRow", "OpportunityStageChangeRow", "OpportunityStageRow", "PriceBookEntryRow",
    "PriceBookRow", "ProductRow", "SalesProcessRow", "UserRow", "metadata",
    "ExchangeRateRow", "ForecastAdjustmentRow", "ForecastSnapshotRow", "OrgSettingRow", "QuotaRow",
    "DuplicateGroupRow", "DuplicateRuleRow", "MergeRow",
    "ConversionFieldMappingRow", "CriterionRow", "LeadConversionRow", "LeadStatusTransitionRow", "ReasonRow",
]

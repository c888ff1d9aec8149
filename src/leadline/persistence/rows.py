"""Every row class, imported in one place so the metadata is complete for Alembic."""

from leadline.persistence.base import Base
from leadline.persistence.rows_config import (
    ActivityLinkRow,
    ActivityRow,
    CustomFieldDefinitionRow,
    CustomFieldValueRow,
    LeadSourceRow,
    LeadStatusRow,
    UserRow,
)
from leadline.persistence.rows_forecast import (
    ExchangeRateRow,
    ForecastAdjustmentRow,
    ForecastSnapshotRow,
    OrgSettingRow,
    QuotaRow,
)
from leadline.persistence.rows_people import (
    AccountRow,
    ContactRow,
    LeadProductInterestRow,
    LeadRow,
    LeadStatusChangeRow,
)
from leadline.persistence.rows_sales import (
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
from leadline.persistence.rows_security import ApiTokenRow, AuditEventRow, IdempotencyKeyRow, SharingDefaultRow
from leadline.persistence.rows_sign_in import SignInThrottleRow
from leadline.persistence.rows_workflow import (
    ConversionFieldMappingRow,
    CriterionRow,
    LeadConversionRow,
    LeadStatusTransitionRow,
    ReasonRow,
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
    "ConversionFieldMappingRow", "CriterionRow", "LeadConversionRow", "LeadStatusTransitionRow", "ReasonRow",
]

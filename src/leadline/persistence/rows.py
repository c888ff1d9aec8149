"""Every row class, imported in one place so the metadata is complete for Alembic."""

from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.rows import ActivityLinkRow, ActivityRow
from leadline.persistence.assignment.rows import (
    AssignmentGroupMemberRow,
    AssignmentGroupRow,
    AssignmentLogRow,
    AssignmentRuleRow,
)
from leadline.persistence.base import Base
from leadline.persistence.campaigns.rows import CampaignMemberRow, CampaignRow
from leadline.persistence.capture.rows import (
    CaptureFormRow,
    CaptureRateCounterRow,
    LeadCaptureRow,
    QuarantinedSubmissionRow,
    UsedTokenRow,
)
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
from leadline.persistence.imports.rows import ImportErrorRow, ImportJobRow, ImportMappingRow
from leadline.persistence.leads.rows import LeadProductInterestRow, LeadRow, LeadStatusChangeRow
from leadline.persistence.leads.search import SEARCH_INDEX
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
from leadline.persistence.salesforce.bulk_rows import BulkJobRow, BulkOutcomeRow
from leadline.persistence.saved_views.rows import SavedViewRow
from leadline.persistence.scoring.opportunity_rows import OpportunityScoreRow
from leadline.persistence.scoring.rows import LeadScoreRow, ScoringModelRow
from leadline.persistence.security.rows import (
    ApiTokenRow,
    AuditEventRow,
    DeletedRecordRow,
    IdempotencyKeyRow,
    ObjectRightRow,
    SharingDefaultRow,
    SignInThrottleRow,
    UserRow,
)

metadata = Base.metadata

__all__ = [
    "AccountRow", "ActivityLinkRow", "ActivityRow", "ContactRoleRow", "ContactRow",
    "ApiTokenRow", "AuditEventRow", "DeletedRecordRow", "IdempotencyKeyRow", "ObjectRightRow", "SharingDefaultRow",
    "SignInThrottleRow",
    "CustomFieldDefinitionRow", "CustomFieldValueRow", "LeadProductInterestRow",
    "LeadRow", "LeadSourceRow", "LeadStatusChangeRow", "LeadStatusRow", "LineItemRow",
    "OpportunityRow", "OpportunityStageChangeRow", "OpportunityStageRow", "PriceBookEntryRow",
    "PriceBookRow", "ProductRow", "SalesProcessRow", "SavedViewRow", "UserRow", "metadata",
    "ImportErrorRow", "ImportJobRow", "ImportMappingRow",
    "ExchangeRateRow", "ForecastAdjustmentRow", "ForecastSnapshotRow", "OrgSettingRow", "QuotaRow",
    "DuplicateGroupRow", "DuplicateRuleRow", "MergeRow",
    "ConversionFieldMappingRow", "CriterionRow", "LeadConversionRow", "LeadStatusTransitionRow", "ReasonRow",
    "CaptureFormRow", "CaptureRateCounterRow", "LeadCaptureRow", "QuarantinedSubmissionRow", "UsedTokenRow",
    "AssignmentGroupMemberRow", "AssignmentGroupRow", "AssignmentLogRow", "AssignmentRuleRow",
    "CampaignMemberRow", "CampaignRow", "LeadScoreRow", "ScoringModelRow", "SEARCH_INDEX",
    "OpportunityScoreRow",
    "BulkJobRow", "BulkOutcomeRow",
]

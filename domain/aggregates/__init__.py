"""The aggregates: Unit, Round, Agency, EvaluationQuota, Complaint, ExpertPool, AdjustmentQueue."""

"""The ecr-archive stack."""

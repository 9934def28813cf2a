"""Pulumi resources for ECR repositories and images that live in the archive."""

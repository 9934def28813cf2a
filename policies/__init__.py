"""ECR lifecycle policies as typed, validated Python.

This package imports neither Pulumi nor boto3, so a policy can be built, checked and
evaluated anywhere.
"""

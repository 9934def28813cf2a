"""The boto3 layer shared by everything in this project that talks to ECR."""

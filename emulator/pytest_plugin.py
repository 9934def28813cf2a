"""pytest fixtures that start the local ECR endpoint."""

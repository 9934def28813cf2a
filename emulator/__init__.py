"""A local ECR endpoint with the archive storage class, built on moto's server."""

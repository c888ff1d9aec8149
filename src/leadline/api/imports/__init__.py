"""/api/v1/imports: upload a file, then poll the job and fetch its error report."""

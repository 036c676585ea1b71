"""The qcollab command line."""

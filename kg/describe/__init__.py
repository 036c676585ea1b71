"""Descriptions of the data: bounded resource descriptions, VoID, service description data."""

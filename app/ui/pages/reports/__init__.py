"""The Reports page: build the system report for IT, preview it, save it as PDF, HTML or JSON."""

"""Reading AWS Data Exports landings: which files of which delivery count."""

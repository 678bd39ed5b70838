"""Pure domain logic: plain Python on plain data. Nothing here may import Django."""

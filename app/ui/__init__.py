"""The desktop window (PySide6 + pyqtgraph). Reads everything from the engine; never calls NVML or psutil."""

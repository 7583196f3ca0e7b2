"""Updates many pyqtgraph curves many times in a real (offscreen) Qt event loop.

PySide6 6.12.0 with pyqtgraph 0.14.0 aborts the interpreter here with "Fatal Python error:
none_dealloc"; the pinned 6.11.3 does not. Run as a separate process so a crash is a test failure,
not the end of the test session: `python curve_stress.py PLOTS CURVES UPDATES`.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets


def main(plots: int, curves_per_plot: int, updates: int) -> int:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    window = pg.GraphicsLayoutWidget()
    window.resize(1280, 800)
    curves = []
    for index in range(plots):
        plot = window.addPlot(row=index // 4, col=index % 4)
        curves += [plot.plot(pen=pg.mkPen(width=1)) for _ in range(curves_per_plot)]
    window.show()
    x = np.arange(600, dtype=float)
    rng = np.random.default_rng(0)
    for step in range(updates):
        for curve in curves:
            curve.setData(x, rng.random(600))
        if step % 10 == 0:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents)
    window.close()
    app.processEvents()
    print(f"ok {plots * curves_per_plot} curves x {updates} updates, PySide6 {QtCore.qVersion()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:4])))

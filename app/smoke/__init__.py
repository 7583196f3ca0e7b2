"""`aiwm --smoke-test`: does this installed program start, sample, draw, diagnose and report?

The parent (`parent`) starts a second `aiwm` (the child, `app.ui.smoke`) offscreen with simulated
GPUs in a throw-away data folder, and fails on any line the child prints that is not one of its
own step lines (`lines`). The checks that need no Qt (`checks`) live here too; nothing in this
package imports Qt.
"""

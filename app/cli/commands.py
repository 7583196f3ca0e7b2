"""`aiwm snapshot`, `export`, `metrics` and `gui`: each loads what it needs when it runs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from app.cli.arguments import DEFAULT_AFTER_S
from app.cli.checks import engine_options, open_engine
from app.cli.output import print_out, writing_standard_output

if TYPE_CHECKING:
    pass


def snapshot_command(args: argparse.Namespace) -> int:
    from app.cli.text import snapshot_text
    from app.core.snapshot import take_snapshot

    if args.host is not None:  # issue 13: the remote aiwm takes it, over ssh
        from app.cli.remote_host import remote_snapshot_command

        return remote_snapshot_command(args)

    with open_engine(args) as engine:
        doc = take_snapshot(engine)
        if args.json:  # the doctor's facts (issue 8); app.core.snapshot may not import app.doctor
            from app.doctor.facts_json import facts_to_json
            from app.doctor.gather import gather_facts

            facts = facts_to_json(gather_facts(engine))
            doc["facts"] = facts
            doc["missing"].update({f"facts.{path}": why for path, why in facts["missing"].items()})
    print_out(json.dumps(doc, indent=2) if args.json else snapshot_text(doc))
    return 0


def gui_command(args: argparse.Namespace) -> int:
    from app.ui.launch import check_screenshot_path, run_gui

    options = engine_options(args)
    if args.screenshot is not None:
        check_screenshot_path(args.screenshot)
    after_s = DEFAULT_AFTER_S if args.after is None else args.after
    return run_gui(options, args.theme, args.screenshot, after_s, args.minimized)


def export_command(args: argparse.Namespace) -> int:
    from app.core.sessions.csv_export import export_csv, write_csv

    if str(args.csv) == "-":
        with writing_standard_output():
            rows, columns = write_csv(args.session, sys.stdout)
        where = "standard output"
    else:
        rows, columns = export_csv(args.session, args.csv)
        where = str(args.csv)
    print(f"aiwm: wrote {rows} rows x {columns} metrics to {where}", file=sys.stderr)
    return 0


def metrics_command(args: argparse.Namespace) -> int:
    from app.cli.text import metrics_text
    from app.core.metric_catalog import catalog_document

    doc = catalog_document()
    print_out(json.dumps(doc, indent=2) if args.json else metrics_text(doc))
    return 0

"""The wizard's model step: a model from the planner's catalog (with a filter), or a custom one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.units import NA
from app.planner.limits import MAX_HEADS, MAX_HIDDEN, MAX_LAYERS, MAX_PARAMS
from app.planner.records import ModelSpec
from app.ui.pages.planner.checked_page import CheckedPage
from app.ui.pages.planner.inputs import (
    MIN_PARAMS,
    Architecture,
    amount_problem,
    architecture_problem,
    parse_amount,
    whole_number,
    whole_number_problem,
)
from app.ui.pages.planner.option_text import format_count
from app.ui.theme import Theme

CATALOG_COLUMNS = ("Model", "Parameters", "Active", "Layers", "Max context")
CUSTOM_NAME = "custom model"


def catalog_row(model: ModelSpec) -> tuple[str, ...]:
    """One model as the catalog table shows it ('n/a' where the catalog does not say)."""
    return (
        model.name,
        format_count(model.params),
        format_count(model.active_params) if model.active_params is not None else "all",
        str(model.layers) if model.layers is not None else NA,
        f"{model.max_context:,}" if model.max_context is not None else NA,
    )


class ModelPage(CheckedPage):
    """Choose a catalog model, or give a custom model's parameters and, optionally, its shape."""

    def __init__(self, theme: Theme, list_models: Callable[[], Sequence[ModelSpec]]) -> None:
        super().__init__(theme, "Model", "Which model? Pick one from the catalog, or describe your own.")
        self._list_models = list_models
        self.models: list[ModelSpec] = []
        self.catalog_problem: str | None = None
        self._shown: list[ModelSpec] = []  # the catalog rows the filter lets through, in table order
        self.from_catalog = QRadioButton("From the catalog")
        self.custom = QRadioButton("Custom model")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("filter: llama, qwen, 70b …")
        self.table = QTableWidget(0, len(CATALOG_COLUMNS))
        self._build_table()
        self.params = QLineEdit()
        self.params.setPlaceholderText("parameters, e.g. 8B or 350M")
        self.layers, self.hidden, self.heads, self.kv_heads = (self._optional_field() for _ in range(4))
        self._build_layout()
        self.from_catalog.setChecked(True)
        for signal in (self.from_catalog.toggled, self.filter.textChanged):
            signal.connect(self._on_mode_or_filter_changed)
        self.table.itemSelectionChanged.connect(self.recheck)
        for field in (self.params, self.layers, self.hidden, self.heads, self.kv_heads):
            field.textChanged.connect(self.recheck)

    def _build_table(self) -> None:
        self.table.setHorizontalHeaderLabels(CATALOG_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _optional_field(self) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText("optional")
        return field

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("Parameters", self.params)
        form.addRow("Layers", self.layers)
        form.addRow("Hidden size", self.hidden)
        form.addRow("Attention heads", self.heads)
        form.addRow("KV heads", self.kv_heads)
        column = QVBoxLayout(self)
        column.addWidget(self.from_catalog)
        column.addWidget(self.filter)
        column.addWidget(self.table, 1)
        column.addWidget(self.custom)
        column.addLayout(form)
        column.addWidget(self.reason)

    def initializePage(self) -> None:
        """Reads the catalog the first time the step is shown (a small file; the engine may be missing)."""
        if self.models or self.catalog_problem is not None:
            return
        try:
            self.models = list(self._list_models())
        except Exception as error:  # the engine could not load or read its catalog: custom still works
            self.catalog_problem = f"the model catalog could not be read ({type(error).__name__}: {error})"
            self.custom.setChecked(True)
        self._fill_table()
        self.recheck()

    def _fill_table(self) -> None:
        needle = self.filter.text().strip().lower()
        shown = [m for m in self.models if needle in m.name.lower()]
        self.table.setRowCount(len(shown))
        for row, model in enumerate(shown):
            for column, text in enumerate(catalog_row(model)):
                item = QTableWidgetItem(text)
                item.setToolTip(model.source or "no source given")
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self._shown = shown
        if len(shown) == 1:
            self.table.selectRow(0)

    def _on_mode_or_filter_changed(self) -> None:
        if self.sender() is self.filter and self.filter.text().strip():
            self.from_catalog.setChecked(True)  # typing a filter means choosing from the catalog
        self._fill_table()
        self.recheck()

    def chosen_catalog_model(self) -> ModelSpec | None:
        rows = self.table.selectionModel().selectedRows()
        return self._shown[rows[0].row()] if rows and self.from_catalog.isChecked() else None

    def architecture(self) -> Architecture:
        return Architecture(*(whole_number(f.text()) for f in (self.layers, self.hidden, self.heads, self.kv_heads)))

    def problem(self) -> str | None:
        if self.from_catalog.isChecked():
            if self.catalog_problem is not None:
                return self.catalog_problem
            return None if self.chosen_catalog_model() else "choose a model from the list, or describe a custom one"
        if not self.params.text().strip():
            return "parameters: give the model's size, e.g. 8B"
        checks = (
            amount_problem(self.params.text(), "parameters", MIN_PARAMS, MAX_PARAMS),
            whole_number_problem(self.layers.text(), "layers", MAX_LAYERS),
            whole_number_problem(self.hidden.text(), "hidden size", MAX_HIDDEN),
            whole_number_problem(self.heads.text(), "attention heads", MAX_HEADS),
            whole_number_problem(self.kv_heads.text(), "KV heads", MAX_HEADS),
        )
        return next((p for p in checks if p is not None), None) or architecture_problem(self.architecture())

    def model(self) -> ModelSpec:
        """The chosen model (call only when `problem()` is None)."""
        chosen = self.chosen_catalog_model()
        if chosen is not None:
            return chosen
        shape = self.architecture()
        params = parse_amount(self.params.text())
        assert params is not None, "the page is complete"
        head_dim = shape.hidden // shape.heads if shape.hidden and shape.heads else None
        return ModelSpec(CUSTOM_NAME, params, None, shape.layers, shape.hidden, shape.heads, shape.kv_heads, head_dim)

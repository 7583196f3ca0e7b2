"""The wizard's workload step: inference or which training, at which precision, context and batch."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout

from app.planner.limits import MAX_BATCH, MAX_CONTEXT
from app.planner.precision import precision_problem
from app.planner.records import WORKLOADS, ModelSpec, PlanRequest, Workload
from app.ui.pages.planner.checked_page import CheckedPage
from app.ui.pages.planner.inputs import context_problem
from app.ui.theme import Theme

WORKLOAD_WORDS: dict[Workload, str] = {
    "inference": "inference: run the model",
    "lora": "LoRA: train small adapters on a frozen model",
    "qlora": "QLoRA: LoRA on a 4-bit quantised model",
    "full-finetune": "full fine-tune: train every weight (mixed-precision AdamW)",
    "pretrain": "pretrain: train from scratch",
}
# Plain formats, then llama.cpp's GGUF quantisations (inference only), as the engine names them.
PRECISIONS = ("fp32", "bf16", "fp16", "int8", "int4", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k")
DEFAULT_MFU_PERCENT = round(PlanRequest.mfu * 100)  # the engine's default share of peak (40 %)
MFU_RANGE_PERCENT = (5, 100)


class WorkloadPage(CheckedPage):
    """Workload, precision, context length and batch size."""

    def __init__(self, theme: Theme, chosen_model: Callable[[], ModelSpec]) -> None:
        super().__init__(theme, "Workload", "What will the model do, and in which number format?")
        self._chosen_model = chosen_model
        self._model: ModelSpec | None = None  # the model step's choice, taken when this step is entered
        self.workload = QComboBox()
        for workload in WORKLOADS:
            self.workload.addItem(WORKLOAD_WORDS[workload], workload)
        self.precision = QComboBox()
        for precision in PRECISIONS:
            label = f"GGUF {precision.upper()}" if precision.startswith("q") else precision
            self.precision.addItem(label, precision)
        self.precision.setCurrentIndex(PRECISIONS.index("bf16"))
        self.context = _spin(1, MAX_CONTEXT, 4096, " tokens")
        self.batch = _spin(1, MAX_BATCH, 1, "")
        self.batch.setToolTip(
            "Training: the global batch, split across data-parallel GPUs. Inference: sequences decoded at"
            " once; the plan may raise it to meet a deadline."
        )
        self.mfu = _spin(*MFU_RANGE_PERCENT, DEFAULT_MFU_PERCENT, " % of peak")
        self.mfu.setToolTip(
            "Model FLOPs utilisation: the share of the GPU's peak the work reaches (35-45 % is typical)"
        )
        self.checkpointing = QCheckBox(
            "Activation checkpointing (training: recompute the forward pass, far less memory)"
        )
        self.checkpointing.setChecked(PlanRequest.activation_checkpointing)
        self.model_line = QLabel("")
        form = QFormLayout()
        form.addRow("Workload", self.workload)
        form.addRow("Precision", self.precision)
        form.addRow("Context (sequence length)", self.context)
        form.addRow("Batch", self.batch)
        form.addRow("Utilisation (MFU)", self.mfu)
        form.addRow("", self.checkpointing)
        column = QVBoxLayout(self)
        column.addWidget(self.model_line)
        column.addLayout(form)
        column.addWidget(self.reason)
        column.addStretch(1)
        for signal in (self.workload.currentIndexChanged, self.precision.currentIndexChanged):
            signal.connect(self.recheck)
        for spin in (self.context, self.batch):
            spin.valueChanged.connect(self.recheck)

    def suggest(self, workload: Workload) -> None:
        """The project kind's usual workload (the user can still change it)."""
        self.workload.setCurrentIndex(WORKLOADS.index(workload))

    def initializePage(self) -> None:
        model = self._model = self._chosen_model()
        context = f", reads up to {model.max_context:,} tokens" if model.max_context else ""
        self.model_line.setText(f"Model: {model.name}{context}")
        self.recheck()

    def chosen_workload(self) -> Workload:
        return WORKLOADS[self.workload.currentIndex()]

    def chosen_precision(self) -> str:
        return PRECISIONS[self.precision.currentIndex()]

    def chosen_mfu(self) -> float:
        return self.mfu.value() / 100

    def chosen_checkpointing(self) -> bool:
        return self.checkpointing.isChecked()

    def problem(self) -> str | None:
        model = self._model
        precision = precision_problem(self.chosen_workload(), self.chosen_precision())
        return precision or (context_problem(self.context.value(), model.max_context, model.name) if model else None)


def _spin(lowest: int, highest: int, value: int, suffix: str) -> QSpinBox:
    """A whole-number box that cannot go below `lowest` (no zero or negative sizes)."""
    spin = QSpinBox()
    spin.setRange(lowest, highest)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    return spin

"""The one settings object. Values come from ``DECKCHAT_*`` environment variables or a ``.env`` file,
read once when a process starts.

Settings are plain data: reading them creates no folder, file or environment variable (the process's
start does that, in ``deckchat.bootstrap``). The flat fields keep the ``DECKCHAT_*`` names users
set; the groups (``limits``, ``llm_options``, ``storage``, ``security``) are frozen views of them, so a
piece that needs one group is handed that group, not the whole object.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deckchat.core.limits import Limits


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "deckchat"


_LIMITS = Limits()

OffloadExecutor = Literal["prefetch", "accelerate"]
LookupMode = Literal["auto", "on", "off"]
OffloadDtype = Literal["off", "int8", "int4"]
_Group = TypeVar("_Group")


@dataclass(frozen=True, slots=True)
class Storage:
    """Where a deckchat process keeps its data; everything it writes is under ``home``."""

    home: Path
    db_url: str
    blob_dir: Path
    storage_url: str  # where blobs live: empty for blob_dir, file://PATH or s3://BUCKET/PREFIX
    blob_cache_dir: Path  # local copies of a bucket's blobs
    blob_cache_bytes: int
    work_dir: Path  # scratch space for jobs (conversions, LibreOffice profiles)
    temp_dir: Path  # the process's $TMPDIR once bootstrapped

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.home, self.blob_dir, self.work_dir, self.temp_dir)


@dataclass(frozen=True, slots=True)
class Security:
    """Cookie signing and the rate limits that keep one client from starving the rest."""

    secret_key: str  # configured; empty means the key kept in key_file
    key_file: Path
    cookie_secure: bool | None
    public_url: str
    sign_in_rate: str
    chat_rate_per_session: str
    chat_rate_per_ip: str
    chat_rate_per_deck: str
    viewer_sessions_per_ip: str
    rate_limit_storage: str


@dataclass(frozen=True, slots=True)
class LlmOptions:
    """What choosing, loading and calling a generator needs."""

    spec: str
    model: str
    max_memory: str
    dtype: str
    offload_folder: Path | None
    offload_executor: OffloadExecutor
    offload_dtype: OffloadDtype
    lookup: LookupMode
    draft: str
    openai_api_key: str
    home: Path  # converted models and offloaded weights live under it; its disk is the offload budget

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def offload_root(self) -> Path:
        return self.home / "offload"


class Settings(BaseSettings):
    # populate_by_name: a field named apart from its variable (openai_api_key) is still set by name.
    model_config = SettingsConfigDict(
        env_prefix="DECKCHAT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default_factory=_default_home, description="Data directory: database, blobs, models.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite under home.")
    storage_url: str = Field(
        default="",
        pattern=r"^(|file://.+|s3://[^/]+(/.*)?)$",
        description="Where uploads, slide images and indexes live: empty for home/blobs, file://PATH, or "
        "s3://BUCKET/PREFIX (credentials, region and endpoint from the AWS_* variables).",
    )
    blob_cache_mb: int = Field(
        default=2048, ge=0, description="Local copies of an s3:// store's blobs that a node keeps, in MB."
    )

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = Field(
        default="", description="Base URL printed for decks; empty means http://host:port."
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, comma-separated "
        "addresses or networks (127.0.0.1, 10.0.0.0/8, * for any); empty means none: every client is "
        "counted at the address it connects from.",
    )

    # Limits that keep hostile or absurd uploads from hurting the server; their defaults are core's.
    max_upload_bytes: int = _LIMITS.max_upload_bytes
    max_notes_bytes: int = _LIMITS.max_notes_bytes
    max_slides: int = _LIMITS.max_slides
    max_unzipped_bytes: int = _LIMITS.max_unzipped_bytes
    max_zip_ratio: float = _LIMITS.max_zip_ratio
    max_zip_entries: int = _LIMITS.max_zip_entries
    max_page_side_pt: float = _LIMITS.max_page_side_pt
    max_page_aspect: float = _LIMITS.max_page_aspect

    convert_timeout_s: float = 180.0
    soffice: str = "soffice"

    image_width: int = 1600
    thumb_width: int = 320
    webp_quality: int = 80
    ocr_min_chars: int = Field(
        default=12, description="Slides with fewer text characters than this are OCR'd."
    )
    ocr_picture_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="Slides whose pictures (screenshots, charts; not backgrounds or logos) cover this share "
        "of the page are OCR'd too, for the words in them.",
    )

    # Extractive by default: on the dev set the embedded model scored no better than extractive, kept
    # one answer with an unsupported number, and took 30 times as long (docs/chat.md), so it is opt-in.
    llm: str = Field(
        default="extractive",
        description="Generator: extractive, default (the embedded model), hf:PATH_OR_ID or openai:BASE_URL.",
    )
    llm_model: str = Field(default="", description="The model name for an openai: generator.")
    llm_max_memory: str = Field(
        default="",
        description="Budget for an hf: model, e.g. gpu=6GiB,cpu=16GiB,disk=50GiB; default: what is free.",
    )
    llm_dtype: str = Field(
        default="", description="float16, bfloat16 or float32 for an hf: model; default: the fastest here."
    )
    llm_offload_folder: Path | None = Field(
        default=None, description="Where an hf: model's offloaded weights go; default: DECKCHAT_HOME/offload."
    )
    llm_offload_executor: OffloadExecutor = Field(
        default="prefetch",
        description="How offloaded layers stream in: prefetch (reads ahead while computing) or accelerate.",
    )
    # Off by default: quantised weights change the output (bench/RESULTS.md has by how much).
    llm_offload_dtype: OffloadDtype = Field(
        default="off",
        description="Store an hf: model's disk-offloaded Linear weights as int8 or int4 (fewer bytes read "
        "per token, slightly different output); off: as the model's dtype.",
    )
    # auto: each pass over streamed weights then checks up to ten drafted tokens for the price of one;
    # a model held whole in memory pays for drafts in compute, which lookup was not measured to repay.
    llm_lookup: LookupMode = Field(
        default="auto",
        description="Prompt-lookup drafts for a local model (same output, fewer passes): auto (on when any "
        "layer is offloaded), on or off.",
    )
    # Off by default: a draft pays only when it shares the tokenizer, guesses right often, and costs
    # little next to a pass over streamed weights (docs/models.md has the measurement).
    llm_draft: str = Field(
        default="",
        description="A small resident draft model for an hf: model (same output, fewer passes; replaces "
        "prompt-lookup drafts): smollm2 (the embedded model), hf:PATH_OR_ID, or empty for none.",
    )

    # The OpenMP variable, so one knob caps torch, onnxruntime and the libraries below them alike.
    compute_threads: int = Field(
        default=0,
        validation_alias="OMP_NUM_THREADS",
        description="Threads a model may use in this process (OMP_NUM_THREADS); 0: every available core.",
    )

    # The openai package's own variable, so a key set for other tools works here too.
    openai_api_key: str = Field(
        default="",
        validation_alias="OPENAI_API_KEY",
        description="The API key an openai: generator sends; local servers need none.",
    )

    secret_key: str = Field(
        default="",
        description="Signs viewers' cookies; empty means a random key kept in DECKCHAT_HOME/secret_key. "
        "Servers behind one address must share it.",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Mark cookies Secure; default: when DECKCHAT_PUBLIC_URL or the request is https.",
    )
    max_decks_per_owner: int = Field(default=500, ge=1, description="Decks one presenter may have.")
    max_bytes_per_owner: int = Field(
        default=10 * 1024**3, ge=1, description="Bytes of uploaded files one presenter may keep."
    )
    max_json_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Largest request body outside file uploads."
    )
    max_form_fields: int = Field(
        default=16, ge=8, description="Text fields an upload may carry besides its files."
    )
    max_form_bytes: int = Field(
        default=64 * 1024, ge=16 * 1024, description="Bytes of an upload's text fields, all together."
    )
    sign_in_rate: str = Field(
        default="10/minute", description="Sign-in and deck-password attempts per address."
    )
    # The session limit is the main control. A talk's audience often shares one address (a venue's
    # Wi-Fi), so the address limits are sized for a room of 200: all of it may ask in the same minute
    # and arrive within ten; a client that drops its cookie gets no more in the long run than one
    # session. docs/security.md has the arithmetic; bench/load.py --audience measures it.
    chat_rate_per_session: str = Field(
        default="20/minute",
        description="Chat questions one viewer's browser session (or one signed-in presenter) may ask.",
    )
    chat_rate_per_ip: str = Field(default="300/minute", description="Chat questions one address may ask.")
    chat_rate_per_deck: str = Field(default="600/minute", description="Chat questions one deck may be asked.")
    viewer_sessions_per_ip: str = Field(
        default="200/10 minutes", description="Viewer sessions (browser cookies) one address may start."
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit counters live: memory:// for one process, redis://HOST:PORT for many.",
    )
    access_cache_s: float = Field(
        default=2.0,
        ge=0,
        description="Seconds a server may reuse deck settings and image access; its own changes (and on "
        "PostgreSQL, every node's) apply now.",
    )
    media_cache_mb: int = Field(default=64, ge=0, description="Slide images a server keeps in memory, in MB.")
    generator_concurrency: int = Field(default=1, ge=1, description="Answers generated at once.")
    generator_queue: int = Field(
        default=8,
        ge=0,
        description="Questions that may wait for the generator; more get 503 and Retry-After.",
    )
    generator_wait_s: float = Field(
        default=30.0, gt=0, description="Longest wait for the generator before a 503 with Retry-After."
    )

    workers: int = Field(default=2, description="Ingestion jobs run at once by `serve` or a `worker`.")
    job_lease_s: float = 60.0
    job_timeout_s: float = Field(
        default=1800.0,
        gt=0,
        description="Longest one ingestion job may run under the server before it is stopped and failed.",
    )
    job_max_attempts: int = 3

    @field_validator("compute_threads", mode="before")
    @classmethod
    def _thread_count(cls, value: object) -> int:
        # OMP_NUM_THREADS is often set for other programs in forms they accept ("4,2", ""); anything
        # but a positive count leaves the choice to deckchat, as it did before the variable was read.
        text = str(value).strip()
        return int(text) if text.isdigit() else 0

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, home: Path) -> Path:
        return home.expanduser().resolve()

    def _group(self, group: type[_Group], **others: object) -> _Group:
        """``group`` filled from the fields of the same name, and ``others`` for the rest."""
        named = {f.name: getattr(self, f.name) for f in fields(group) if f.name not in others}  # type: ignore[arg-type]
        return group(**named, **others)

    @property
    def limits(self) -> Limits:
        return self._group(Limits)

    @property
    def storage(self) -> Storage:
        home = self.home
        return Storage(
            home=home,
            db_url=self.database_url or f"sqlite:///{home / 'deckchat.db'}",
            blob_dir=home / "blobs",
            storage_url=self.storage_url,
            blob_cache_dir=home / "cache" / "blobs",
            blob_cache_bytes=self.blob_cache_mb * 1024 * 1024,
            work_dir=home / "work",
            temp_dir=home / "tmp",
        )

    @property
    def security(self) -> Security:
        return self._group(Security, key_file=self.home / "secret_key")

    @property
    def llm_options(self) -> LlmOptions:
        return LlmOptions(
            spec=self.llm,
            model=self.llm_model,
            max_memory=self.llm_max_memory,
            dtype=self.llm_dtype,
            offload_folder=self.llm_offload_folder,
            offload_executor=self.llm_offload_executor,
            offload_dtype=self.llm_offload_dtype,
            lookup=self.llm_lookup,
            draft=self.llm_draft,
            openai_api_key=self.openai_api_key,
            home=self.home,
        )

    # Shorthands for the storage paths the services read.
    @property
    def db_url(self) -> str:
        return self.storage.db_url

    @property
    def blob_dir(self) -> Path:
        return self.storage.blob_dir

    @property
    def work_dir(self) -> Path:
        return self.storage.work_dir

    @property
    def temp_dir(self) -> Path:
        return self.storage.temp_dir

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

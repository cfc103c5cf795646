"""The composer as a model, without Qt: the cart per provider, its options, file and saved
state, raw JSON, undo, rendering and validation, and the sends (one, as an update, to every
provider, a cart action). The window is a view of it (``app/ui/controller.py`` adapts it to Qt:
a debounce timer, worker threads, signals); a script or a test can drive it as it is.

It tells what changed through one observer call, ``(event, *args)``, the event named in
``EVENTS``. Two are requests rather than news: ``"stale"`` (an edit wants the preview rebuilt —
now or after a pause, as the front end likes; ``refresh()`` does it) and ``"fresh"`` (it was just
rebuilt). Work that may take long (a send, a check of thousands of line items) goes through the
``Runner`` given: the window's runs it on a worker and answers on the GUI thread; the default
runs it here and now.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.domain.sandbox_marks import REAL, SandboxMode
from app.domain.validation import Validation
from app.history import HistoryEntry, HistoryStore
from app.logs import log, mask_secrets
from app.profiles import BUILTIN_PROFILES, Profile, ProfileError, ProfileStore
from app.providers import (
    CartDocument,
    OutgoingRequest,
    Provider,
    get_provider,
    provider_keys,
    providers,
)
from app.providers.actions import CartAction, CartState
from app.providers.document import load_cart, save_cart
from app.providers.mapping import convert, reconcile
from app.providers.paths import delete_in, get_at, has_at, set_in, with_at, without_at
from app.providers.render import CartRenderer, Rendered
from app.providers.schema import field_spec_at
from app.service import UndoHistory, recording
from app.service.sender import Overrides, Sender

if TYPE_CHECKING:
    from app.service.importing import ImportedCart
from app.transport import CancelToken, SendResult

__all__ = [
    "BACKGROUND_ITEMS",
    "EVENTS",
    "ComposerSession",
    "Event",
    "Observer",
    "Runner",
    "SeveralResult",
    "empty_document",
    "request_text",
    "run_here",
]

# More new line items than this to check, and the check runs off the GUI thread.
BACKGROUND_ITEMS = 300


@dataclasses.dataclass(frozen=True)
class SeveralResult:
    """Each chosen provider's answer (by key, in the registry's order), or why it could not be sent
    (missing secrets, a bad profile), and the profile each went to."""

    answers: dict[str, SendResult | str]
    profiles: dict[str, str]
    notes: tuple[str, ...] = ()


def request_text(request: OutgoingRequest) -> str:
    """A request as the preview shows it: the request line, the headers (masked), the body."""
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in request.headers]
    return "\n".join([*lines, "", request.body.decode("utf-8", errors="replace")])


def empty_document(provider: str) -> CartDocument:
    """A new cart: the required choices preset, everything else for the user to fill. The
    presets are named by their paths (Klaviyo's ``data.attributes.metric…``): each is set where
    its path says, not as a key with dots in it."""
    payload: dict[str, Any] = {}
    for path, value in get_provider(provider).new_cart_values.items():
        set_in(payload, path, copy.deepcopy(value))
    return CartDocument(provider=provider, payload=payload)


@dataclasses.dataclass(frozen=True)
class _Draft:
    """A provider's cart as it was left for another provider (see ``switch_provider``)."""

    document: CartDocument
    carried: CartDocument  # the other provider's cart as it would come back here, then
    path: Path | None
    copy_of: str | None
    saved: tuple[str, bytes | None, str] | None
    cart_id: str
    profile: str


Event = Literal[
    "document_replaced",  # a new cart, an opened file, another provider: refill all
    "payload_changed",  # any edit
    "validation_changed",  # (Validation)
    "preview_changed",  # (str): the request as text, or why there is none
    "dirty_changed",  # (bool)
    "path_changed",  # (Path | None)
    "profile_changed",  # (Profile)
    "send_started",
    "send_finished",  # (SendResult)
    "send_failed",  # (str): nothing was sent: missing secrets, a bad target
    "payload_replaced",  # raw JSON, an undo: a new payload: refill form and table
    "undo_changed",  # what Undo and Redo would do changed (their labels, enabled)
    "history_changed",  # (int): a history row was written or completed (its id); any thread
    "notice",  # (str): something the person should know that is not about one send
    "status",  # (str): a passing state ("Checking 5,000 line items…"); "" when over
    "remote_cart_changed",  # (str): the provider's id for this cart (Bronto's cartId) or ""
    "cart_state_changed",  # (CartState): what the last answer says of the cart
    "several_finished",  # (SeveralResult): "Send to several providers" is done
    "raw_changed",  # the raw text became invalid, or valid again
    "stale",  # an edit: the preview wants rebuilding (``refresh()``)
    "fresh",  # the preview was just rebuilt: a pending rebuild is not needed
]
EVENTS: tuple[Event, ...] = get_args(Event)

Observer = Callable[..., None]  # (event, *args)
# (job, on_success, on_failure): run the job, then call one of the two with its outcome.
Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]


def run_here(
    job: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> None:
    """The plain runner: the job now, on this thread (a script, a test, the command line)."""
    try:
        value = job()
    except Exception as exc:  # handed on, as a worker hands on what its job raised
        on_failure(exc)
    else:
        on_success(value)


class ComposerSession:
    """One person's composing: see the module's docstring."""

    def __init__(
        self,
        profiles: ProfileStore,
        sender: Sender,
        provider: str | None = None,  # default: the first registered
        *,
        history: HistoryStore | None = None,
        runner: Runner = run_here,
        observer: Observer | None = None,
    ) -> None:
        self._observers: list[Observer] = [observer] if observer is not None else []
        self._run = runner
        self._profiles = profiles
        self._sender = sender
        self._history = history
        provider = provider or provider_keys()[0]
        self._provider: Provider = get_provider(provider)
        self._renderer = CartRenderer(self._provider)
        self._payload: dict[str, Any] = {}
        self._options: dict[str, Any] = {}
        self._path: Path | None = None
        self._copy_of: str | None = None  # the bundled file an untitled cart was opened from
        # What the cart was when last opened or saved: (provider, body, options), see _state().
        self._saved: tuple[str, bytes | None, str] | None = None
        self._saved_pending: int | None = None
        self._dirty = False
        self._profile = profiles.get(f"sandbox-{provider}")
        # How the built-in sandbox answers this window's sends (sandbox profiles only).
        self._overrides: Overrides | None = None
        self._validation = Validation()
        self._preview = ""
        self._cancel: CancelToken | None = None
        self._raw_error: str | None = None
        # The other providers' drafts of this cart, kept while the person works on this one.
        self._drafts: dict[str, _Draft] = {}
        self._undo = UndoHistory()
        self._step: str | None = None  # inside one_step(): its label; edits record once
        self._restoring = False  # undo/redo in progress: no new step
        self._raw_text = ""
        self._generation = 0  # counts edits, so a late background result is recognised
        # The provider's id for the cart (Bronto's cartId from Add Cart's answer, or a search),
        # which its cart actions use.
        self._remote_cart_id = ""
        self._rendering = False
        self.replace_document(empty_document(provider))

    def subscribe(self, observer: Observer) -> None:
        self._observers.append(observer)

    def _notify(self, event: Event, *args: object) -> None:
        for observer in self._observers:
            observer(event, *args)

    # --- reading ---------------------------------------------------------------------------

    @property
    def cart_sender(self) -> Sender:
        return self._sender

    @property
    def profile_store(self) -> ProfileStore:
        return self._profiles

    @property
    def provider(self) -> Provider:
        return self._provider

    @property
    def profile(self) -> Profile:
        return self._profile

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def copy_of(self) -> str | None:
        """The name of the bundled cart this untitled one is a copy of (None otherwise)."""
        return self._copy_of

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def validation(self) -> Validation:
        return self._validation

    @property
    def preview_text(self) -> str:
        return self._preview

    @property
    def raw_error(self) -> str | None:
        """Why the raw JSON the user typed does not parse (None when it does)."""
        return self._raw_error

    @property
    def checking(self) -> bool:
        """A check of many line items is running on a worker (``refresh``)."""
        return self._rendering

    @property
    def sending(self) -> bool:
        return self._cancel is not None

    def document(self) -> CartDocument:
        # canonical() builds new dicts for the cart and each item; deeper values are shared,
        # which is safe because editors replace values rather than change them in place.
        return CartDocument(
            provider=self._provider.key,
            payload=self._provider.canonical(self._wire_payload()),
            options=dict(self._options),
        )

    def _wire_payload(self) -> dict[str, Any]:
        """The payload as it is sent and saved: an empty list of items is left out."""
        payload = self._payload
        if get_at(payload, self._provider.items_key) == []:
            payload = without_at(payload, self._provider.items_key)
        return payload

    def _items_copied(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``payload`` with its own list of items (and the objects above it), values shared:
        what a snapshot needs, since editors change that list in place."""
        items = get_at(payload, self._provider.items_key)
        if isinstance(items, list):
            return with_at(payload, self._provider.items_key, list(items))
        return dict(payload)

    def value(self, name: str) -> Any:
        """The value of a field by its path (``email``, ``customer.email_address``)."""
        return get_at(self._payload, name)

    def option(self, name: str) -> bool:
        return bool(self._options.get(name, False))

    def payload_object(self) -> dict[str, Any]:
        """The live top-level payload, for editors that manage several keys at once (custom
        attributes); they call ``changed()`` after writing."""
        return self._payload

    def items(self) -> list[dict[str, Any]]:
        """The live list of line items (the items model edits it through this controller)."""
        key = self._provider.items_key
        items = get_at(self._payload, key)
        if items is None:
            items = []
            set_in(self._payload, key, items)
        # A pasted payload may hold something else there: it is sent as is, not edited here.
        return items if isinstance(items, list) else []

    def profiles(self, provider: str | None = None) -> list[Profile]:
        """The profiles of ``provider`` (the cart's when None)."""
        try:
            every = self._profiles.all()
        except ProfileError as exc:
            self._notify("notice", str(exc))
            every = list(BUILTIN_PROFILES.values())
        return [p for p in every if p.provider == (provider or self._provider.key)]

    # --- editing ---------------------------------------------------------------------------

    def set_field(self, name: str, value: Any) -> None:
        """Set a field by its path (``email``, ``customer.email_address``); ``None`` leaves it
        out. One undo step per field typed in."""
        if value is None:
            if not delete_in(self._payload, name):
                return
        else:
            # repr, not ==: Decimal("16.99") == Decimal("16.990"), but the wire text differs.
            if has_at(self._payload, name) and repr(get_at(self._payload, name)) == repr(value):
                return
            set_in(self._payload, name, value)
        self.changed(f"Edit {self._title_of(name)}", group=f"field:{name}")

    def set_option(self, name: str, value: bool) -> None:
        if self._options.get(name) == value:
            return
        self._options[name] = value
        self.changed(f"Set {name}")

    def changed(self, label: str = "Edit", group: str | None = None) -> None:
        """Something in the draft changed: mark it unsaved, schedule a preview rebuild (which
        also checks whether the cart is back to what was saved), and record an undo step
        (``label``: "Edit Email"; edits of one ``group`` in a row are one step)."""
        self._generation += 1
        self._set_dirty(True)
        self._notify("payload_changed")
        self._notify("stale")
        if not self._restoring and self._step is None:
            self._undo.record(self._snapshot(), label, group)
            self._notify("undo_changed")

    @contextlib.contextmanager
    def one_step(self, label: str) -> Iterator[None]:
        """Several edits that are one to the person (New cart id, Apply cart totals)."""
        outer, self._step = self._step, label
        try:
            yield
        finally:
            self._step = outer
        if outer is None:
            self._undo.record(self._snapshot(), label)
            self._notify("undo_changed")

    def _title_of(self, name: str) -> str:
        spec = field_spec_at(self._provider.model, name)
        return spec.label if spec is not None else name

    def _snapshot(self) -> CartDocument:
        """The draft as it is now, cheaply: the items list copied, the values shared (an edit
        replaces a value or an item, never changes one in place: see render.py)."""
        payload = self._items_copied(self._wire_payload())
        return CartDocument.model_construct(
            provider=self._provider.key, payload=payload, options=dict(self._options)
        )

    def new_cart_id(self) -> str:
        """A fresh cart id (to send the same cart again as another), in the cart URL too when
        it ends with the old one (``…/cart/<id>``): one undo step. Returns the id."""
        from app.providers.samples import new_cart_id

        provider = self._provider
        fresh = new_cart_id()
        with self.one_step("New cart id"):
            self.set_field(provider.cart_id_field, fresh)
            url = self.value(provider.cart_url_field)
            if isinstance(url, str) and "/cart/" in url:
                self.set_field(provider.cart_url_field, url.rsplit("/", 1)[0] + "/" + fresh)
        return fresh

    def apply_cart_totals(self) -> dict[str, Decimal]:
        """The cart's totals worked out from its items, put in (one undo step); what was put
        in, or nothing when the items' amounts are incomplete."""
        suggested = self._provider.suggested_totals(self.document().payload)
        if suggested:
            with self.one_step("Apply cart totals"):
                for name, value in suggested.items():
                    self.set_field(name, value)
        return suggested

    def fill_sample(self) -> None:
        """A realistic cart from the sample catalog, for this provider: undoable, so nothing
        typed is lost (no question first)."""
        from app.providers.samples import sample_document

        sample = sample_document(self._provider.key)
        self.replace_document(sample, saved=False, undoable="Fill with a sample cart")

    # --- undo ------------------------------------------------------------------------------

    @property
    def undo_label(self) -> str:
        return self._undo.undo_label

    @property
    def redo_label(self) -> str:
        return self._undo.redo_label

    def undo(self) -> bool:
        """Take back the last edit (False: nothing to take back)."""
        document = self._undo.undo()
        if document is not None:
            self._restore(document)
        self._notify("undo_changed")
        return document is not None

    def redo(self) -> bool:
        document = self._undo.redo()
        if document is not None:
            self._restore(document)
        self._notify("undo_changed")
        return document is not None

    def _restore(self, document: CartDocument) -> None:
        self._restoring = True
        try:
            if document.provider != self._provider.key:
                self._enter(document, label=None)
                return
            self._payload = self._items_copied(document.payload)
            self._options = dict(document.options)
            self._notify("payload_replaced")
            self.changed()
        finally:
            self._restoring = False

    @property
    def sandbox_mode(self) -> SandboxMode:
        return (self._overrides.sandbox_mode or REAL) if self._overrides else REAL

    def set_sandbox_mode(self, mode: SandboxMode) -> None:
        """How the built-in sandbox answers from now on (its real answers, Explain mode,
        strict mode); other profiles' sends do not change."""
        self._overrides = None if mode == REAL else Overrides(sandbox_mode=mode)
        self._notify("stale")  # the preview's URL is the door of that mode

    def set_profile(self, name: str) -> None:
        profile = self._profiles.get(name)
        if profile.provider != self._provider.key:
            raise ProfileError(f"“{name}” is a {profile.provider} profile.")
        self._profile = profile
        self._notify("profile_changed", profile)
        self._notify("stale")

    def replace_document(
        self,
        document: CartDocument,
        path: Path | None = None,
        *,
        saved: bool = True,
        copy_of: str | None = None,
        undoable: str | None = None,
    ) -> None:
        """Another cart: the other providers' drafts are this one's no more, and nothing before
        it can be undone — unless ``undoable`` names the step (Fill with a sample cart)."""
        if undoable is not None and document.provider == self._provider.key:
            self._replace(document, path, saved=saved, copy_of=copy_of)
            self._undo.record(self._snapshot(), undoable)
            self._notify("undo_changed")
            return
        self._drafts.clear()
        self._replace(document, path, saved=saved, copy_of=copy_of)
        self._undo.reset(self._snapshot())
        self._notify("undo_changed")

    def secrets_place(self) -> str:
        """Where a secret stored now is kept, in words."""
        if self._sender.store.persistent:
            return "the system keyring"
        return "this session's memory (there is no keyring to keep them)"

    def take_import(self, imported: ImportedCart, keep_in: str | None = None) -> list[str]:
        """An imported request's cart in the composer (undoable when it is this provider's),
        and, with ``keep_in``, its secrets in that profile's keyring entry (the profile made
        from the request when there is none) and that profile chosen. What to say of it."""
        from app.service.importing import keep_secrets

        said = []
        profile = None
        if keep_in:
            store = self._sender.store
            profile, made, stored = keep_secrets(imported, keep_in, self._profiles, store)
            if made:
                said.append(f"Made the profile {profile.name} ({profile.base_url}).")
            if stored:
                where = self.secrets_place()
                said.append(f"Stored the {' and '.join(stored)} for {profile.name} in {where}.")
        self.replace_document(imported.document, saved=False, undoable="Import")
        if profile is not None:
            self.set_profile(profile.name)
        return said

    def switch_provider(self, key: str) -> list[str]:
        """The cart as a ``key`` cart, and notes on what was carried. Each provider keeps its
        draft for the session: the first switch carries the shared fields over; coming back
        gives the draft exactly as it was left (its file, cartId and every field only that
        provider has), with what was changed meanwhile on the other side carried into it."""
        if key == self._provider.key:
            return []
        carried, notes = convert(self.document(), key)
        kept = self._drafts.get(key)
        title = get_provider(key).title
        if kept is None:
            self._enter(carried, label=f"Switch to {title}")
            return notes
        arrived = reconcile(kept.document, kept.carried, carried)
        if arrived != kept.document:
            what = f", with what you changed on {self._provider.title} carried into it."
        else:
            what = ", as you left it."
        self._enter(arrived, label=f"Switch to {title}")
        return [f"Back to your {title} cart{what}"]

    def _enter(self, arrived: CartDocument, label: str | None) -> None:
        """Leave this provider's draft for ``arrived`` (another provider's cart), keeping the
        one left and taking up the kept draft of the one entered: its file, saved state,
        cartId and profile. ``label``: the undo step it is (None while undoing)."""
        here = self.document()
        kept = self._drafts.pop(arrived.provider, None)
        self._drafts[here.provider] = _Draft(
            document=here,
            carried=convert(arrived, here.provider)[0],
            path=self._path,
            copy_of=self._copy_of,
            saved=self._saved,
            cart_id=self._remote_cart_id,
            profile=self._profile.name,
        )
        if kept is None:
            self._replace(arrived, saved=False)
        else:
            self._replace(arrived, kept.path, saved=False, copy_of=kept.copy_of)
            self._saved = kept.saved  # unchanged since saved: not dirty (see refresh)
            self.set_remote_cart_id(kept.cart_id)
            with contextlib.suppress(ProfileError):  # removed meanwhile: the sandbox's
                self.set_profile(kept.profile)
            self.refresh()
        if label is not None:
            self._undo.record(self._snapshot(), label)
            self._notify("undo_changed")

    def _replace(
        self,
        document: CartDocument,
        path: Path | None = None,
        *,
        saved: bool = True,
        copy_of: str | None = None,
    ) -> None:
        provider_changed = document.provider != self._provider.key
        self._provider = get_provider(document.provider)
        self._renderer = CartRenderer(self._provider)
        self._payload = copy.deepcopy(document.payload)
        typed = self._provider.options(document.options)
        self._options = typed.model_dump() if typed is not None else {}
        if provider_changed or self._profile.provider != self._provider.key:
            self._profile = self._profiles.get(f"sandbox-{self._provider.key}")
            self._notify("profile_changed", self._profile)
        self._path = path
        self._copy_of = copy_of
        self._generation += 1
        self.set_remote_cart_id("")  # another cart: the old id is not this one's
        self._saved = None
        # The saved state is taken from the first rendering of this cart (maybe a background
        # one, for a big cart), if no edit came first.
        self._saved_pending = self._generation if saved else None
        self._set_dirty(not saved)
        self._notify("path_changed", path)
        self._notify("document_replaced")
        self.refresh()

    # --- raw JSON --------------------------------------------------------------------------

    def body_text(self) -> str:
        """The JSON body as it will be sent (what the raw editor starts from)."""
        rendered = self._renderer.render(self._wire_payload())  # the items done are reused
        if rendered.body is None:
            return f"// {rendered.body_error}"
        return rendered.body.decode("utf-8")

    def apply_raw(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        """Take hand-edited JSON. A JSON object becomes the cart (old keys renamed, with notes);
        anything else is kept aside with its error, to send only "as is" on request."""
        error: str | None
        try:
            data = jsonfmt.loads(text)
        except jsonfmt.JsonSyntaxError as exc:
            where = f"Line {exc.line}, column {exc.column}: " if exc.line else ""
            error = f"{where}{exc.reason}"
        else:
            if isinstance(data, dict):
                upgraded, notes = self._provider.upgrade(data)
                self._payload = copy.deepcopy(upgraded)
                self._set_raw(None, "")
                self._notify("payload_replaced")
                self.changed("Apply the JSON")
                return None, tuple(note.message for note in notes)
            error = "The body must be a JSON object, { … }, for the form to follow it"
        self._set_raw(error, text)
        return error, ()

    def clear_raw(self) -> None:
        self._set_raw(None, "")

    def _set_raw(self, error: str | None, text: str) -> None:
        changed = error != self._raw_error
        self._raw_error, self._raw_text = error, text
        if changed:
            self._notify("raw_changed")

    # --- files -----------------------------------------------------------------------------

    def open(self, path: Path) -> tuple[str, ...]:
        """Load a cart file; the notes say what loading changed (e.g. a renamed key)."""
        from app.paths import is_bundled

        loaded = load_cart(path)
        if is_bundled(path):
            # A shipped sample: an untitled copy, so Save never changes the app's own file.
            self.replace_document(loaded.document, None, copy_of=path.name)
        else:
            self.replace_document(loaded.document, path)
        return tuple(note.message for note in loaded.notes)

    def save(self, path: Path | None = None) -> Path:
        target = path or self._path
        if target is None:
            raise CartComposerError("Choose where to save the cart first.")
        document = self.document()
        save_cart(document, target)
        self._path, self._copy_of = target, None
        self._saved, self._saved_pending = self._state(), None
        self._set_dirty(False)
        self._notify("path_changed", target)
        return target

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self._notify("dirty_changed", dirty)

    # --- validation and preview ------------------------------------------------------------

    def items_to_check(self) -> int:
        """How many line items the next rendering checks anew (the rest it has done)."""
        return self._renderer.unseen_items(self._wire_payload())

    def refresh(self) -> None:
        """Validate and rebuild the preview: at once for the usual edit (the renderer redoes
        only what changed), on a worker thread when many new line items must be checked (a
        pasted or opened cart of thousands), so the window never stalls for it."""
        self._notify("fresh")
        payload = self._wire_payload()
        if self._renderer.unseen_items(payload) <= BACKGROUND_ITEMS:
            self.refresh_now()
            return
        if self._rendering:
            self._notify("stale")  # try again when the running check is done
            return
        # A snapshot: editors replace item dicts and values rather than change them in place,
        # so copying the two containers is enough for the worker to read it safely.
        snapshot = self._items_copied(payload)
        generation, renderer = self._generation, self._renderer
        self._rendering = True
        count = len(get_at(snapshot, self._provider.items_key) or ())
        # Until the answer comes, say so rather than show the previous cart's problems.
        self._preview = f"# Checking {count:,} line items…"
        self._notify("preview_changed", self._preview)
        self._validation = Validation()
        self._notify("validation_changed", self._validation)
        self._notify("status", f"Checking {count:,} line items…")
        self._run(
            lambda: renderer.render(snapshot),
            lambda rendered: self._rendered(rendered, generation, renderer),
            lambda error: self._rendered(None, generation, renderer),
        )

    def _rendered(self, rendered: object, generation: int, renderer: CartRenderer) -> None:
        self._rendering = False
        if generation != self._generation or renderer is not self._renderer:
            self._notify("stale")  # edited meanwhile: check again (the items done are kept)
            return
        if isinstance(rendered, Rendered):
            self._apply(rendered, generation)
            self._notify("status", "")
        else:
            self.refresh_now()

    def refresh_now(self) -> None:
        """Validate and rebuild the preview now, on this thread."""
        self._notify("fresh")
        self._apply(self._renderer.render(self._wire_payload()), self._generation)

    def _apply(self, rendered: Rendered, generation: int) -> None:
        if self._saved_pending == generation:
            self._saved, self._saved_pending = self._state(rendered), None
        if self._dirty and self._saved is not None:
            self._set_dirty(self._state(rendered) != self._saved)
        self._validation = rendered.validation
        self._notify("validation_changed", self._validation)
        self._preview = self._render_preview(rendered)
        self._notify("preview_changed", self._preview)

    def _state(self, rendered: Rendered | None = None) -> tuple[str, bytes | None, str]:
        """What a save writes, compared cheaply: the body is the canonical payload, exactly."""
        rendered = rendered or self._renderer.render(self._wire_payload())
        return self._provider.key, rendered.body, repr(sorted(self._options.items()))

    def preview_request(self, document: CartDocument | None = None) -> OutgoingRequest:
        return self._sender.preview(document or self.document(), self._profile, self._overrides)

    def curl_text(self) -> str:
        """The cart's request as a cURL command, secrets as ``$CART_COMPOSER_*`` names."""
        from app.transport.curl import curl_command

        request = self.preview_request()
        destination = self._sender.destination(self._profile, self._overrides)
        return curl_command(request, self._sender.auth_spec(self._profile, destination))

    def powershell_text(self) -> str:
        """The cart's request as a PowerShell script, secrets from ``$env:CART_COMPOSER_*``."""
        from app.transport.powershell import powershell_command

        request = self.preview_request()
        destination = self._sender.destination(self._profile, self._overrides)
        return powershell_command(request, self._sender.auth_spec(self._profile, destination))

    def curl_for_entry(self, entry: HistoryEntry) -> str:
        """A cURL command for a history entry, with the auth it was sent with
        (``exports.entry_auth``)."""
        from app.service.exports import entry_auth, entry_request
        from app.transport.curl import curl_command

        return curl_command(entry_request(entry), entry_auth(self._sender, self._profiles, entry))

    def postman_for_entries(self, entries: list[HistoryEntry]) -> dict[str, Any]:
        """A Postman collection (v2.1) of history entries, secrets as ``{{variables}}``."""
        from app.service.exports import postman_for_entries

        return postman_for_entries(self._sender, self._profiles, entries, "Cart Composer history")

    def postman_for_cart(self) -> dict[str, Any]:
        """A Postman collection (v2.1) of the cart as Send would make it."""
        from app.service.exports import postman_for_carts

        carts = [(self.document(), self._profile, self._overrides)]
        return postman_for_carts(self._sender, carts, "Cart Composer cart")

    def _render_preview(self, rendered: Rendered) -> str:
        # The request around the body (URL, headers) comes from the profile and the options;
        # the body is the one just rendered, so the cart is not written twice per keystroke.
        shell = CartDocument(
            provider=self._provider.key,
            payload={},
            options=dict(self._options),
        )
        try:
            request = self.preview_request(shell)
        except CartComposerError as exc:
            return f"# No request can be built yet:\n# {exc}"
        if rendered.body is None:
            return f"# No request can be built yet:\n# {rendered.body_error}"
        return request_text(dataclasses.replace(request, body=rendered.body))

    # --- sending ---------------------------------------------------------------------------

    def send(self, *, as_is: bool = False) -> bool:
        """Start sending off the GUI thread; False if a send is already running. With ``as_is``
        and raw JSON that does not parse, that text is the body, byte for byte."""
        if self._cancel is not None:
            return False
        document, profile = self.document(), self._profile
        raw = self._raw_text.encode("utf-8") if as_is and self._raw_error else None
        cancel = self._cancel = CancelToken()
        self._notify("send_started")
        history, over = self._history, self._overrides
        self._run(
            lambda: self._send_recorded(history, document, profile, cancel, raw, over),
            self._on_sent,
            self._on_send_error,
        )
        return True

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    @property
    def history(self) -> HistoryStore | None:
        return self._history

    def _send_recorded(
        self,
        history: HistoryStore | None,
        document: CartDocument,
        profile: Profile,
        cancel: CancelToken,
        raw: bytes | None,
        over: Overrides | None,
    ) -> SendResult:
        """On the runner, like all disk and network work: the history row (pending) before the
        request leaves, the send, then the row completed."""
        return recording.send_recorded(
            self._sender,
            history,
            document,
            profile,
            over,
            "gui",
            cancel=cancel,
            raw_body=raw,
            on_problem=self._history_problem,
            on_row=self._row_written,
        )

    def _row_written(self, entry_id: int) -> None:
        self._notify("history_changed", entry_id)

    def _history_problem(self, message: str) -> None:
        log.warning("history: %s", message)
        self._notify("notice", message)  # the send goes ahead; its answer is still shown

    def _on_sent(self, result: object) -> None:
        self._cancel = None
        assert isinstance(result, SendResult)
        created = self._provider.cart_id_after_send(result.status or 0, result.provider_id)
        if created:
            self.set_remote_cart_id(created)
            self._notify(
                "cart_state_changed", self._provider.cart_state(result.status or 0, result.body)
            )
        self._notify("send_finished", result)

    def mark_as_update(self) -> None:
        """The same cart again as an update, as the provider declares it (Drip: ``action``
        "updated", ``occurred_at`` now): one undo step."""
        values = self._provider.update_values()
        if values is None:
            sends = [a.title for a in self._provider.actions if a.sends_cart]
            instead = f"; its cart actions have {sends[0]}" if sends else ""
            raise CartComposerError(
                f"{self._provider.title} carts are not sent as updates{instead}."
            )
        with self.one_step("Send as update"):
            for name, value in values.items():
                self.set_field(name, value)
        self.refresh_now()

    # --- several providers at once ---------------------------------------------------------

    def send_to_several(self, chosen: Iterable[str] | None = None) -> bool:
        """The cart to each ``chosen`` provider (default: every one with a built-in sandbox),
        mapped through the common cart, one after another: the current profile for its own
        provider, each other provider's sandbox profile for the others. False when a send is
        under way or none of ``chosen`` can be sent to."""
        if self._cancel is not None:
            return False
        wanted = None if chosen is None else set(chosen)
        keys = [
            key
            for key, p in providers().items()
            if (p.has_emulator or key == self._provider.key) and (wanted is None or key in wanted)
        ]
        if not keys:
            return False
        document = self.document()
        documents: dict[str, CartDocument] = {}
        notes: list[str] = []
        for key in keys:
            converted, said = convert(document, key)
            if key != document.provider:
                # What a carried cart needs to reach the same shopper (Bronto adds a contact
                # only when asked; Drip adds people it does not know).
                carried = get_provider(key).carried_options
                converted = converted.model_copy(
                    update={"options": {**converted.options, **carried}}
                )
            documents[key] = converted
            notes += said
        profiles = {
            key: self._profile if key == self._provider.key else BUILTIN_PROFILES[f"sandbox-{key}"]
            for key in keys
        }
        cancel = self._cancel = CancelToken()
        history, over = self._history, self._overrides
        self._notify("send_started")

        def job() -> SeveralResult:
            answers: dict[str, SendResult | str] = {}
            for key in keys:
                try:
                    answers[key] = self._send_recorded(
                        history, documents[key], profiles[key], cancel, None, over
                    )
                except CartComposerError as exc:
                    answers[key] = str(exc)
            return SeveralResult(
                answers, {key: profile.name for key, profile in profiles.items()}, tuple(notes)
            )

        self._run(job, self._on_several, self._on_send_error)
        return True

    def _on_several(self, result: object) -> None:
        self._cancel = None
        assert isinstance(result, SeveralResult)
        own = result.answers.get(self._provider.key)
        if isinstance(own, SendResult):
            created = self._provider.cart_id_after_send(own.status or 0, own.provider_id)
            if created:
                self.set_remote_cart_id(created)
        self._notify("several_finished", result)

    # --- the provider's cart actions (providers/actions.py) --------------------------------

    @property
    def remote_cart_id(self) -> str:
        return self._remote_cart_id

    def set_remote_cart_id(self, cart_id: str) -> None:
        cart_id = cart_id.strip()
        if cart_id != self._remote_cart_id:
            self._remote_cart_id = cart_id
            self._notify("remote_cart_changed", cart_id)

    def preview_operation(self, operation: str) -> OutgoingRequest:
        """The request a cart action will make (secrets masked), before it leaves; raises
        what ``operate`` would (no id yet, a provider without that action)."""
        return self._sender.preview_operation(
            operation,
            self._profile,
            cart_id=self._remote_cart_id,
            document=self.document(),
            overrides=self._overrides,
        )

    def operate(self, operation: str) -> bool:
        """One of the provider's cart actions on the cart it has (off the GUI thread, recorded
        like a send). An action that answers without the cart (Abandon) is followed by the one
        it names (Get), so the pane can show the state it left."""
        if self._cancel is not None:
            return False
        action = self._provider.action(operation)
        document, profile, cart_id = self.document(), self._profile, self._remote_cart_id
        cancel = self._cancel = CancelToken()
        self._notify("send_started")
        history, over = self._history, self._overrides
        self._run(
            lambda: self._operate_recorded(
                history, action, document, profile, cart_id, cancel, over
            ),
            lambda outcome: self._on_operated(action, outcome),
            self._on_send_error,
        )
        return True

    def _operate_recorded(
        self,
        history: HistoryStore | None,
        action: CartAction,
        document: CartDocument,
        profile: Profile,
        cart_id: str,
        cancel: CancelToken,
        over: Overrides | None,
    ) -> tuple[SendResult, CartState]:
        provider = get_provider(profile.provider)

        def one(key: str) -> SendResult:
            return recording.operate_recorded(
                self._sender,
                history,
                key,
                profile,
                "gui",
                cart_id=cart_id,
                document=document,
                overrides=over,
                cancel=cancel,
                on_problem=self._history_problem,
                on_row=self._row_written,
            )

        result = one(action.key)
        state = provider.cart_state(result.status or 0, result.body, action)
        if action.then and result.ok:
            after = one(action.then)
            state = provider.cart_state(after.status or 0, after.body, provider.action(action.then))
        return result, state

    def _on_operated(self, action: CartAction, outcome: object) -> None:
        self._cancel = None
        assert isinstance(outcome, tuple)
        result, state = outcome[0], outcome[1]
        assert isinstance(result, SendResult) and isinstance(state, CartState)
        if action.gone_on is not None and result.status == action.gone_on:
            self.set_remote_cart_id("")
        elif state.cart_id:
            self.set_remote_cart_id(state.cart_id)
        self._notify("cart_state_changed", state)
        self._notify("send_finished", result)

    def _on_send_error(self, error: BaseException) -> None:
        self._cancel = None
        if isinstance(error, CartComposerError):
            self._notify("send_failed", str(error))
        else:
            said = mask_secrets(f"{type(error).__name__}: {error}")  # it may quote a header
            self._notify("send_failed", f"Sending failed unexpectedly: {said}")

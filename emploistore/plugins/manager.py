"""The plugin host: discovery through entry points, loading in guards, isolated calls.

Pluggy gives no isolation, so the host loads each plugin in its own guard and calls
request-time hooks one implementation at a time. A plugin that raises is logged with its
name, recorded (and shown on /admin/plugins) and skipped; the store keeps serving. With
``PLUGINS_STRICT`` (default: the value of ``TESTING``) errors re-raise instead.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from flask import Blueprint, Flask, abort, current_app, g, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from emploistore import hookspecs
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import db, utcnow
from emploistore.plugins.models import PluginSetting

ENTRY_POINT_GROUP = "emploistore"
# Commands the Flask command line adds itself (not in app.cli, but taken all the same).
FLASK_COMMANDS = frozenset({"run", "shell", "routes", "db"})
EXTENSION_KEY = "emploistore.plugins"
log = logging.getLogger(__name__)


class PluginError(RuntimeError):
    """A plugin broke the contract (bad blueprint name, table prefix, command clash…)."""


@dataclass
class PluginRecord:
    """What the host knows about one discovered plugin."""

    name: str
    distribution: str = ""
    version: str = ""
    status: str = "discovered"  # loaded | failed | disabled
    disabled_by: str = ""  # "catalog" when catalog.yaml disables it
    errors: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)
    blueprints: list[str] = field(default_factory=list)
    module: ModuleType | None = None

    @property
    def loaded(self) -> bool:
        return self.status == "loaded"

    def fail(self, message: str) -> None:
        self.status = "failed"
        self.errors.append(message)


class PluginHost:
    """Owns one pluggy manager per app; never module-global."""

    def __init__(self, app: Flask, disabled: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.strict = bool(
            app.config["TESTING"]
            if app.config.get("PLUGINS_STRICT") is None
            else app.config["PLUGINS_STRICT"]
        )
        self.pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self.migration_dirs: list[Path] = []
        self._catalog_disabled = disabled
        # blueprint name → plugin name, for the one app-level gate below
        self._blueprint_owner: dict[str, str] = {}
        app.extensions[EXTENSION_KEY] = self
        app.before_request(self._refuse_inactive_plugin_pages)

    # -- loading ---------------------------------------------------------------------

    def discover(self) -> list[EntryPoint]:
        return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)

    def load_all(self) -> None:
        """Import, register and wire every discovered plugin, each in its own guard."""
        for entry_point in self.discover():
            record = self._record_for(entry_point)
            if record.status != "discovered":
                continue
            if record.name in self._catalog_disabled:
                record.status, record.disabled_by = "disabled", "catalog"
                continue
            with self.guard(record.name, "load"):
                self._load(entry_point, record)

    def _record_for(self, entry_point: EntryPoint) -> PluginRecord:
        dist = entry_point.dist
        record = PluginRecord(
            name=entry_point.name,
            distribution=dist.name if dist else "",
            version=dist.version if dist else "",
        )
        if entry_point.name in self.records:
            other = self.records[entry_point.name]
            message = f"plugin name {entry_point.name!r} is already used by {other.distribution!r}"
            log.error("plugin %s not loaded: %s", entry_point.name, message)
            record.fail(message)
            self.records[f"{entry_point.name} ({record.distribution})"] = record
            return record
        self.records[entry_point.name] = record
        return record

    def _load(self, entry_point: EntryPoint, record: PluginRecord) -> None:
        module = entry_point.load()
        record.module = module
        self.pm.register(module, name=record.name)
        record.hooks = sorted(hook.name for hook in self.pm.get_hookcallers(module) or [])
        try:
            self._wire(record)
        except BaseException:
            self.pm.unregister(name=record.name)
            raise
        record.status = "loaded"

    def _wire(self, record: PluginRecord) -> None:
        """Run the set-up hooks of one plugin and check it respects its namespace."""
        name = record.name
        for model in self._call_one(name, "register_models") or []:
            table = getattr(model, "__tablename__", "")
            if not str(table).startswith(f"{name}_"):
                raise PluginError(f"table {table!r} must be named {name}_…")
        blueprints = list(self._call_one(name, "register_blueprints", app=self.app) or [])
        for blueprint in blueprints:
            self._check_blueprint(name, blueprint)
        commands = list(self._call_one(name, "register_commands") or [])
        for command in commands:
            if command.name in self.app.cli.commands or command.name in FLASK_COMMANDS:
                raise PluginError(f"command {command.name!r} is already taken")
        migrations = self._call_one(name, "register_migrations")
        if migrations is not None and not Path(migrations).is_dir():
            raise PluginError(f"migrations folder {migrations!s} does not exist")

        # Every check passed: now change the app.
        for blueprint in blueprints:
            self.app.register_blueprint(blueprint)
            self._blueprint_owner[blueprint.name] = name
            record.blueprints.append(blueprint.name)
        for command in commands:
            self.app.cli.add_command(command)
        if migrations is not None:
            self.migration_dirs.append(Path(migrations).resolve())

    def _check_blueprint(self, name: str, blueprint: Blueprint) -> None:
        if not isinstance(blueprint, Blueprint):
            raise PluginError(f"register_blueprints returned {blueprint!r}, not a Blueprint")
        if blueprint.name != name and not blueprint.name.startswith(f"{name}_"):
            raise PluginError(f"blueprint {blueprint.name!r} must be named {name!r}")
        prefix = "/" + name.replace("_", "-")
        if blueprint.url_prefix is None:
            blueprint.url_prefix = prefix
        if not (blueprint.url_prefix == prefix or blueprint.url_prefix.startswith(prefix + "/")):
            raise PluginError(f"blueprint URL prefix must start with {prefix!r}")

    def _refuse_inactive_plugin_pages(self) -> None:
        """A disabled or failed plugin's pages answer 404 (its blueprint stays registered).

        An app-level hook rather than one on each blueprint: a plugin's module-level
        blueprint is shared by every app built in the process, and Flask forbids adding
        hooks to a blueprint once it has been registered.
        """
        owner = self._blueprint_owner.get(request.blueprint or "")
        if owner is not None and not self.is_active(owner):
            abort(404)

    def _call_one(self, name: str, hook_name: str, **kwargs: Any) -> Any:
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            if impl.plugin_name == name:
                return impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
        return None

    def call_loaded(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a creation-time hook on every loaded plugin, each in its guard.

        Unlike ``call_each`` it needs no database (no admin switch is read): what it
        registers answers 404 at request time when the plugin is switched off.
        """
        results: list[tuple[str, Any]] = []
        for name, record in self.records.items():
            if record.loaded and hook_name in record.hooks:
                with self.guard(name, hook_name):
                    found = self._call_one(name, hook_name, **kwargs)
                    results.append((name, list(found) if found is not None else []))
        return results

    def start(self) -> None:
        """Call every loaded plugin's ``startup`` hook (in its guard)."""
        for name, record in self.records.items():
            if record.loaded and "startup" in record.hooks:
                with self.guard(name, "startup"):
                    self._call_one(name, "startup", app=self.app)

    # -- isolation --------------------------------------------------------------------

    @contextmanager
    def guard(self, name: str, stage: str) -> Iterator[None]:
        """Log and record any error a plugin raises; re-raise only when strict."""
        try:
            yield
        except Exception as error:
            summary = f"{stage}: {type(error).__name__}: {error}"
            log.error("plugin %s failed during %s\n%s", name, stage, traceback.format_exc())
            record = self.records.get(name)
            if record is not None:
                if stage in {"load", "startup"}:
                    record.fail(summary)
                else:
                    record.errors.append(summary)
                    del record.errors[:-10]
                    self._remember_runtime_error(name, summary)
            if self.strict:
                raise

    def _remember_runtime_error(self, name: str, summary: str) -> None:
        """Store the last runtime error so every worker's admin page can show it."""
        try:
            with db.engine.begin() as connection:
                setting = connection.execute(
                    select(PluginSetting.name).where(PluginSetting.name == name)
                ).first()
                values = {"last_error": summary[:500], "last_error_at": utcnow()}
                if setting:
                    connection.execute(
                        PluginSetting.__table__.update()
                        .where(PluginSetting.name == name)
                        .values(**values)
                    )
                else:
                    connection.execute(
                        PluginSetting.__table__.insert().values(name=name, enabled=True, **values)
                    )
        except SQLAlchemyError:
            log.exception("could not record the error of plugin %s", name)

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call one hook on every active plugin, each in its guard; skip failures."""
        results: list[tuple[str, Any]] = []
        for impl in reversed(getattr(self.pm.hook, hook_name).get_hookimpls()):
            name = impl.plugin_name
            if not self.is_active(name):
                continue
            with self.guard(name, hook_name):
                value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
                if value is not None:
                    # Run generators inside the guard so their errors are caught here.
                    if isinstance(value, Iterator):
                        value = list(value)
                    results.append((name, value))
        return results

    # -- state ------------------------------------------------------------------------

    def admin_disabled(self) -> frozenset[str]:
        """Plugins an administrator switched off (read once per request)."""
        if has_request_context() and "plugins_disabled" in g:
            return g.plugins_disabled
        try:
            names = frozenset(
                db.session.scalars(
                    select(PluginSetting.name).where(PluginSetting.enabled.is_(False))
                )
            )
        except SQLAlchemyError:
            db.session.rollback()
            names = frozenset()
        if has_request_context():
            g.plugins_disabled = names
        return names

    def is_active(self, name: str) -> bool:
        record = self.records.get(name)
        return bool(record and record.loaded and name not in self.admin_disabled())

    def active_names(self) -> frozenset[str]:
        disabled = self.admin_disabled()
        return frozenset(n for n, r in self.records.items() if r.loaded and n not in disabled)


def plugin_host(app: Flask) -> PluginHost:
    return app.extensions[EXTENSION_KEY]


def set_plugin_enabled(name: str, enabled: bool) -> None:
    """Record an administrator's decision; every worker sees it on its next request."""
    setting = db.session.get(PluginSetting, name)
    if setting is None:
        setting = PluginSetting(name=name)
        db.session.add(setting)
    setting.enabled = enabled
    bump_catalog_version()  # built-in listings appear or disappear with their plugin
    db.session.commit()


def plugin_answers(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call a hook on every active plugin of the current app: ``[(plugin, answer), …]``.

    For plugins that offer hooks of their own to other plugins (the job search calls
    ``job_offer_sources``); each answer comes from one plugin, called in its guard.
    """
    return plugin_host(current_app).call_each(hook_name, **kwargs)

"""The README's tables, made from the settings themselves so they cannot drift."""

from __future__ import annotations

from settings import VARIABLES
from settings.ports import LISTENERS


def _default(variable) -> str:
    value = variable.default
    if isinstance(value, bool):
        return "`0`" if not value else "`1`"
    return f"`{value}`" if value != "" else "(trống)"


def variables_markdown() -> str:
    lines = ["| Biến | Mặc định | Nhóm | Ý nghĩa |", "|---|---|---|---|"]
    for variable in VARIABLES:
        meta = variable.metadata
        default = "(bí mật, trống)" if meta["secret"] and variable.default == "" else _default(variable)
        lines.append(f"| `{meta['env']}` | {default} | {meta['group']} | {meta['doc']} |")
    return "\n".join(lines)


def listeners_markdown() -> str:
    lines = ["| Dịch vụ | Địa chỉ (biến) | Cổng (biến) | Ai được kết nối |", "|---|---|---|---|"]
    for listener in LISTENERS:
        lines.append(
            f"| {listener.name} | `{listener.default_host}` (`{listener.host_var}`) | "
            f"`{listener.default_port}` (`{listener.port_var}`) | {listener.who} |"
        )
    return "\n".join(lines)


def markdown() -> str:
    return listeners_markdown() + "\n\n" + variables_markdown()

"""Result columns: each image with its caption, warnings, prompt and options, and a download button."""

from __future__ import annotations

from typing import Any

import streamlit as st

from imagegen import catalog, pricing
from imagegen.compare import SlotResult
from imagegen.ui.text import literal


def title(provider_id: str, model_id: str) -> str:
    """"OpenAI · GPT Image 1": the catalog's labels, or the ids a past run recorded."""
    provider = catalog.PROVIDERS.get(provider_id)
    model = provider.model(model_id) if provider else None
    return f"{provider.label if provider else provider_id} · {model.label if model else model_id}"


def view_title(spec) -> str:
    return title(spec.provider, spec.model)


def view(result: SlotResult, run_id: int) -> dict[str, Any]:
    """A plain, session-state friendly copy of what the column shows."""
    artifact = result.artifact
    meta = artifact.meta if artifact else {}
    return {
        "run_id": run_id, "position": result.position, "status": result.status,
        "title": view_title(result.spec),
        "emulated": bool(meta.get("emulated")),
        "image": artifact.value if artifact else None, "mime": artifact.mime_type if artifact else None,
        "file_name": f"run{run_id}-{result.position + 1}-{result.spec.provider}.{artifact.name.rsplit('.', 1)[1]}"
        if artifact else None,
        "size": f"{artifact.width}x{artifact.height}" if artifact else None,
        "latency_s": result.latency_ms / 1000, "seed": meta.get("seed"), "cost": result.cost.label(),
        "warnings": list(result.warnings), "error": str(result.error) if result.error else None,
        "error_kind": result.error.kind if result.error else None,
        "prompt": result.prompt, "negative_prompt": result.negative_prompt,
        "revised_prompt": meta.get("revised_prompt"), "options": result.effective_options,
    }


def from_history(store, run_id: int, generation) -> dict[str, Any]:
    """The same view for a generation saved in the history (a reloaded page shows its last run again)."""
    image = generation.image
    ext = None if image is None else ("jpg" if image.format == "jpeg" else image.format)
    return {
        "run_id": run_id, "position": generation.position, "status": generation.status,
        "title": title(generation.provider, generation.model),
        "emulated": generation.emulated,
        "image": store.image_bytes(image) if image else None, "mime": image.mime_type if image else None,
        "file_name": f"run{run_id}-{generation.position + 1}-{generation.provider}.{ext}" if image else None,
        "size": f"{image.width}x{image.height}" if image else None,
        "latency_s": (generation.latency_ms or 0) / 1000, "seed": generation.seed,
        "cost": pricing.Estimate(generation.cost_usd, "history").label(),
        "warnings": list(generation.warnings), "error": generation.error_message, "error_kind": generation.error_kind,
        "prompt": generation.prompt, "negative_prompt": generation.negative_prompt,
        "revised_prompt": generation.revised_prompt, "options": generation.effective_options,
    }


def display_format(mime_or_format: str | None) -> str:
    """The `output_format` that makes st.image show the provider's bytes as they are. Its default ("auto")
    re-encodes every PNG without alpha as a JPEG at quality 90: slower, and not the image being compared.
    WEBP (not a format st.image serves) becomes a lossless PNG; a GIF is served as it is."""
    kind = (mime_or_format or "").lower()
    if kind in ("image/gif", "gif"):
        return "auto"  # Streamlit passes a GIF through as it is (animated); "PNG" would keep its first frame only
    return "JPEG" if kind in ("image/jpeg", "jpeg", "jpg") else "PNG"


def caption(item: dict[str, Any]) -> str:
    parts = [f"{item['latency_s']:.1f} s"]
    if item["seed"] is not None:
        parts.append(f"seed {item['seed']}")
    parts += [item["cost"], item["size"]] if item["size"] else [item["cost"]]
    return " · ".join(parts)


def show(item: dict[str, Any]) -> None:
    badge = " :orange-badge[emulated]" if item["emulated"] else ""
    st.markdown(f"**{literal(item['title'])}**{badge}")
    if item["image"] is None:
        st.error(literal(item["error"] or "No image."), icon=":material/error:")
        return
    st.image(item["image"], width="stretch", output_format=display_format(item["mime"]))
    st.caption(literal(caption(item)))
    if item["status"] == "filtered":
        st.warning("The provider's content filter flagged this image.", icon=":material/shield:")
    for warning in item["warnings"]:
        st.caption(f":material/warning: {literal(warning)}")
    with st.expander("Prompt and options"):
        st.markdown("**Prompt sent**")
        st.code(item["prompt"], language=None, wrap_lines=True)
        if item["negative_prompt"]:
            st.markdown("**Negative prompt**")
            st.code(item["negative_prompt"], language=None, wrap_lines=True)
        if item["revised_prompt"]:
            st.markdown("**Revised by the provider**")
            st.code(item["revised_prompt"], language=None, wrap_lines=True)
        st.json(item["options"], expanded=True)
    st.download_button("Download", item["image"], file_name=item["file_name"], mime=item["mime"],
                       key=f"dl.{item['run_id']}.{item['position']}", on_click="ignore", use_container_width=True)


def pending(title: str, emulated: bool) -> None:
    badge = " :orange-badge[emulated]" if emulated else ""
    st.markdown(f"**{literal(title)}**{badge}")
    st.info("Generating…", icon=":material/hourglass_top:")

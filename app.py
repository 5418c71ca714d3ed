"""imagegen app entry point. UI only: all logic lives in the imagegen package."""

import streamlit as st

from imagegen import catalog
from imagegen.drivers import LocalImageGenerationDriver
from imagegen.engines import PromptImageGenerationEngine
from imagegen.errors import ImageGenerationError

st.set_page_config(page_title="imagegen", page_icon="🎨", layout="wide")
st.title("imagegen")
st.caption(
    "Compare text-to-image providers side by side. The side-by-side Compare page is on its way; "
    "meanwhile, try the offline generator, which needs no key."
)

local = catalog.get_provider("local").models[0]
with st.form("quick_generate"):
    prompt = st.text_area("Prompt", "a red fox in a green forest at sunset", key="quick_prompt")
    negative = st.text_input("Negative prompt", "", key="quick_negative")
    style = st.selectbox("Style preset", (None, *local.option("style_preset").choices), key="quick_style",
                         format_func=lambda v: "default" if v is None else v)
    submitted = st.form_submit_button("Generate")

if submitted:
    driver = LocalImageGenerationDriver(style_preset=style)
    try:
        artifact = PromptImageGenerationEngine(driver).run([prompt], negative_prompts=[negative])
    except ImageGenerationError as exc:
        st.error(str(exc))
    else:
        st.image(artifact.value, caption=f"local · seed {artifact.meta['seed']} · "
                 f"{artifact.meta['latency_ms']:.0f} ms")
        st.caption(local.help)

with st.expander("Providers in the catalog"):
    for provider in catalog.PROVIDERS.values():
        models = ", ".join(m.id + (" (legacy)" if m.legacy else "") for m in provider.models)
        st.markdown(f"**{provider.label}**: {models}")

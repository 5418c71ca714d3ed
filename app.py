"""imagegen app entry point: page config and navigation. UI only; each page draws the shared sidebar."""

import streamlit as st

st.set_page_config(page_title="imagegen", page_icon="🎨", layout="wide")
page = st.navigation([
    st.Page("pages/compare.py", title="Compare", icon=":material/compare:", default=True),
    st.Page("pages/history.py", title="History", icon=":material/history:"),
    st.Page("pages/providers.py", title="Providers", icon=":material/hub:"),
])
page.run()

"""imagegen app entry point: page config and navigation. UI only; each page draws the shared sidebar."""

import streamlit as st

st.set_page_config(page_title="imagegen", page_icon="🎨", layout="wide")
page = st.navigation([st.Page("pages/compare.py", title="Compare", icon="🖼️", default=True)])
page.run()

"""The app page through Streamlit's AppTest: it renders and generates with the offline driver."""

from pathlib import Path

from streamlit.testing.v1 import AppTest


def test_home_page_generates_with_the_local_driver():
    at = AppTest.from_file(str(Path(__file__).parent.parent / "app.py"), default_timeout=30).run()
    assert not at.exception
    at.text_area(key="quick_prompt").set_value("a blue ocean with a yellow sun")
    at.selectbox(key="quick_style").set_value("flat")
    at.button[0].click().run()
    assert not at.exception
    assert not at.error
    assert len(at.get("image")) == 1

"""Letter preview: what each target gets, exactly, plus email, tweet and call-script drafts."""

import streamlit as st

from uadash import letters
from uadash.ui import session
from uadash.ui.pickers import case_picker, target_picker
from uadash.ui.text import md, show

engine = session.engine()
today = session.today()

st.title("Letter preview")
case = case_picker(engine)
if case is None:
    st.stop()

left, right = st.columns([1, 2])
with left:
    target = target_picker(case, key="letters")
    writer_name = st.text_input(
        "Your name", key="letters-writer", help="Fills the [YOUR NAME] placeholders."
    )
    writer_address = st.text_area("Your address (optional)", key="letters-address", height=100)
if target is None:
    st.stop()

letter = letters.render_letter(
    case, target, writer_name=writer_name, writer_address=writer_address, on=today
)
email = letters.email_draft(case, target, writer_name=writer_name, writer_address=writer_address)
tweet = letters.tweet_draft(case, target)
script = letters.call_script(case, target, writer_name=writer_name)

with right:
    as_letter, as_email, as_tweet, as_call = st.tabs(["Letter", "Email", "Tweet", "Call script"])
    with as_letter:
        for warning in letter.warnings:
            st.warning(md(warning))
        with st.container(border=True):
            st.text(letter.text)
        st.download_button(
            "Download the letter (.txt)",
            letter.text,
            file_name=letters.letter_filename(case, target),
            mime="text/plain",
            icon=":material/download:",
        )
    with as_email:
        for warning in email.warnings:
            st.warning(md(warning))
        to, cc = md(email.to or "—", inline=True), md(", ".join(email.cc) or "—", inline=True)
        st.markdown(
            f"**To:** {to}  \n**CC:** {cc}  \n**Subject:** {md(email.subject, inline=True)}"
        )
        st.code(email.body, language=None, wrap_lines=True)
        if email.mailto:
            st.link_button(
                "Open in your email program", email.mailto, icon=":material/forward_to_inbox:"
            )
        else:
            st.caption(
                "This letter is too long for a mail link, which browsers cut short: "
                "copy the text above (the icon at its top right) into your email."
            )
    with as_tweet:
        for warning in tweet.warnings:
            st.warning(md(warning))
        st.code(tweet.text, language=None, wrap_lines=True)
        counted = f"{tweet.length} / {tweet.limit} characters, counted as X counts them"
        if tweet.over_limit:
            st.error(f"Too long: {counted}. Shorten it before posting.")
        else:
            st.caption(counted)
    with as_call:
        show(script)

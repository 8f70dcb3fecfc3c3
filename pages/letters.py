"""Letter preview: what each target gets, exactly, plus email, tweet and call-script drafts."""

import streamlit as st

from uadash import figures, letters, letters_print, queries
from uadash.ui import session
from uadash.ui.filters import period_picker
from uadash.ui.metrics import versus
from uadash.ui.pickers import case_picker, target_picker
from uadash.ui.text import md, show
from uadash.wording import number, plural

engine = session.engine()
today = session.today()

st.title("Letter preview")
case = case_picker(engine)
if case is None:
    st.stop()
comparison = period_picker(today=today, lifetime=queries.case_period(engine, case, today=today))
counted = session.cached(
    figures.figures, filters=queries.CaseFilter(case_ids=(case.id,)), comparison=comparison
).total
change = f" ({counted.describe()} {versus(comparison)})" if counted.describe() else ""
st.caption(
    f"{case.label}: {plural(counted.current, 'action')} reported · {comparison.label}{change}."
)

left, right = st.columns([1, 2])
with left:
    target = target_picker(case, key="letters")
    writer_name = st.text_input(
        "Your name",
        key="letters-writer",
        help="Fills the [YOUR NAME] placeholders of every letter, the printed ones too.",
    )
    writer_address = st.text_area("Your address (optional)", key="letters-address", height=100)
    everyone = letters_print.case_letters(
        case, writer_name=writer_name, writer_address=writer_address, on=today
    )
    if everyone:
        st.markdown("**Print every letter**")
        st.caption(
            f"One letter per page, for each of the {number(len(everyone))} targets, "
            "with your name and address filled in."
        )
        title = f"{case.label}: letters"
        pdf, word = st.columns(2)
        pdf.download_button(
            "PDF",
            lambda: letters_print.letters_pdf(everyone, title=title),  # made on the click
            file_name=letters_print.letters_filename(case, "pdf"),
            mime="application/pdf",
            on_click="ignore",
            icon=":material/print:",
            width="stretch",
        )
        word.download_button(
            "Word",
            lambda: letters_print.letters_docx(everyone, title=title),
            file_name=letters_print.letters_filename(case, "docx"),
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            on_click="ignore",
            icon=":material/edit_document:",
            width="stretch",
            help="For editing before you send.",
        )
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

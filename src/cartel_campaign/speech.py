"""The words by which an article reports what someone said: one list, read by the rules and the draft.

``rules.REPORTING`` (a claim with no quote shows a verb of saying) is built from ``REPORTING_WORDS``;
``draft`` takes its speech verbs (``SPEECH_VERBS``) and the claim type it proposes for each verb
(``CLAIM_TYPE``) from ``VERBS``. Each verb form is listed once, under the claim type (GUIDE.md
"Claims") a draft proposes for what it reports; ``acknowledge`` is the neutral default ("said").
"""
from __future__ import annotations

import re

#: claim type -> the verb forms that report such a claim.
VERBS: dict[str, str] = {
    "accuse": "accused accuses accusing accuse alleged alleges alleging blamed blames blaming condemned condemns condemning "
              "denounced denounces denouncing labeled labelled labels labeling labelling branded brands branding "
              "described describes describe describing characterized characterised characterizes characterizing "
              "called calls calling identified identifies termed terms criticized criticised criticizes criticizing "
              "questioned questions questioning complained",
    "threaten": "warned warns warning threatened threatens threatening vowed vows vowing",
    "deny": "denied denies deny denying disputed disputes disputing",
    "reject": "rejected rejects rejecting dismissed dismisses dismissing",
    "request": "urged urges urging demanded demands demanding requested requests requesting asked asks",
    "assure": "assured assures assuring promised promises promising pledged pledges pledging",
    "justify": "defended defends defending justified justifies justifying argued argues arguing insisted insists insisting",
    "support": "praised praises welcomed welcomes supported supports touted",
    "aid": "offered offers offering",
    "acknowledge": "said says say saying stated states stating told tells telling noted notes noting added adds adding "
                   "remarked explained explains explaining claimed claims claiming claim declared declares announced announces "
                   "announcing reported wrote writes tweeted posted suggested suggests suggesting indicated indicates indicating "
                   "asserted asserts replied replies responded responds responding answered acknowledged admitted predicted "
                   "expressed expresses reiterated reiterates hinted hints quoted cited confirmed confirms confirming "
                   "stressed stresses stressing emphasized emphasised emphasizes emphasizing highlighted underscored "
                   "mentioned observed commented conceded recounted boasted lamented maintained views viewed sees considers considered",
}
#: Nouns and phrases that report someone's words ("in a statement", "according to").
NOUNS = ("statement response remarks remark words reply answer comments comment message tweet post speech announcement "
         "testimony warning reassurance assurance denial accusation accusations allegation allegations").split()
PHRASES = ("according to", "pointed out", "threat of", "threats of", "allegedly")
#: Words by which an article reports an allegation whose maker it does not name ("deemed a threat",
#: "implicated in", "suspected drug-smuggling"): they report a claim (claims.claimant_basis passive or
#: unnamed) but name no speaker, so the draft proposes no claim from them.
UNATTRIBUTED = ("deemed", "implicated", "suspected")

CLAIM_TYPE: dict[str, str] = {word: kind for kind, words in VERBS.items() for word in words.split()}
SPEECH_VERBS: tuple[str, ...] = tuple(CLAIM_TYPE)
REPORTING_WORDS: tuple[str, ...] = SPEECH_VERBS + tuple(NOUNS) + PHRASES + UNATTRIBUTED

#: Any reporting word, case-insensitive, as a whole word.
REPORTING = re.compile(r"\b(?:" + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in REPORTING_WORDS),
                                                 key=lambda w: (-len(w), w))) + r")\b", re.IGNORECASE)


# ------------------------------------------------------------ quotation marks ----
#: A pair of double quotation marks: curly, straight, or a closing mark used as an opener (”It allows us”).
DOUBLE_MARKS = re.compile(r"[\u201c\u201d\"]([^\u201c\u201d\"\n]+)[\u201d\"]")
#: A pair of single quotation marks (‘…’ or '…', common in headlines and some outlets): the opener follows a space,
#: a bracket or a dash and precedes a letter; the closer follows a non-space and precedes no letter, so an
#: apostrophe (Venezuela’s, they’re, the officers’ cars inside a word) is never taken for a mark.
SINGLE_MARKS = re.compile(r"(?<![^\s(\[—–])[\u2018']((?=\S)[^\n\u201c\u201d\"\u2018]{1,400}?(?<=\S))[\u2019'](?![\w\u2019'])")


def quote_mark_matches(text: str) -> list[re.Match]:
    """Every pair of quotation marks in text order: double pairs, and single pairs outside them."""
    double = list(DOUBLE_MARKS.finditer(text))
    single = [m for m in SINGLE_MARKS.finditer(text) if not any(d.start() < m.end() and m.start() < d.end() for d in double)]
    return sorted(double + single, key=lambda m: m.start())

"""Profile questions: what a question is (``model``), the questionnaire itself
(``questionnaire``) and the rules for valid answers (``answers``)."""

from bot.domain.free_text import Invalid
from bot.domain.questions.answers import check_choice, parse_text
from bot.domain.questions.model import Kind, Option, Question, Section
from bot.domain.questions.questionnaire import (
    ADULT_AGE,
    ANY,
    EDUCATION,
    EDUCATION_RANK,
    GENDERS,
    INDUSTRIES,
    OLDEST_AGE,
    QUESTIONNAIRE,
    SHANGHAI_DISTRICTS,
    build_questionnaire,
    district_options,
)

__all__ = [
    "ADULT_AGE",
    "ANY",
    "EDUCATION",
    "EDUCATION_RANK",
    "GENDERS",
    "INDUSTRIES",
    "OLDEST_AGE",
    "QUESTIONNAIRE",
    "SHANGHAI_DISTRICTS",
    "Invalid",
    "Kind",
    "Option",
    "Question",
    "Section",
    "build_questionnaire",
    "check_choice",
    "district_options",
    "parse_text",
]

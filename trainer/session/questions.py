"""A short daily question that keeps the purpose of practice in view (written for Level Voice)."""

from __future__ import annotations

import datetime as dt

QUESTIONS = (
    "When a client raises their voice, what happens to yours before you notice it?",
    "Which client this week pulled your pace up? What would slower have said to them?",
    "Where in your body do you feel it first when a client is contemptuous?",
    "What does a level voice tell a frightened client about the room they are in?",
    "Think of the last time you talked over a client. What were you afraid would happen if you waited?",
    "Which kind of silence is hardest for you to sit in?",
    "How does your voice change when a client questions whether you can help them?",
    "What would you like an angry client to hear in your voice, beyond your words?",
    "When did your voice last steady a session? What did you do differently?",
    "Which drill do you avoid? That one may be the one to practise today.",
    "If your voice could stay exactly as it is on a calm morning, what would change in your hardest session?",
    "What do you do with your breath when a client says this is pointless?",
    "Whose voice did you learn calm from? What did it sound like?",
    "Fast clients invite fast answers. What helps you take your own time?",
    "Despair can pull a voice down and quiet. How do you stay warm without rising?",
    "What is the difference between a level voice and a flat one, for you?",
    "After a hard session, how long does your voice take to come back to baseline?",
    "Which words do you rush when you feel challenged?",
    "What would a client notice first if your voice were completely at ease?",
    "Fifteen minutes today: which one clip is worth repeating ten times?",
)


def question_for(day: dt.date) -> str:
    """The same question all day, a different one the next."""
    return QUESTIONS[day.toordinal() % len(QUESTIONS)]

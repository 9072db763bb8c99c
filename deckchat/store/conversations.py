"""Conversations: the recent turns of a viewer's chat with a deck, bounded in length."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from deckchat.store.tables import ConversationRow, MessageRow

# Enough turns for follow-ups ("and in Q4?"); older ones only cost storage and prompt space.
MAX_MESSAGES = 20


def start(session: Session, deck_id: str) -> str:
    conversation = ConversationRow(id=secrets.token_hex(12), deck_id=deck_id)
    session.add(conversation)
    session.flush()
    return conversation.id


def find(session: Session, conversation_id: str, deck_id: str) -> ConversationRow | None:
    conversation = session.get(ConversationRow, conversation_id)
    return conversation if conversation is not None and conversation.deck_id == deck_id else None


def history(session: Session, conversation_id: str) -> list[MessageRow]:
    query = select(MessageRow).where(MessageRow.conversation_id == conversation_id).order_by(MessageRow.id)
    return list(session.scalars(query))


def append(
    session: Session,
    conversation_id: str,
    role: str,
    content: str,
    *,
    slide: int | None = None,
    refused: bool = False,
) -> None:
    session.add(
        MessageRow(conversation_id=conversation_id, role=role, content=content, slide=slide, refused=refused)
    )
    session.flush()
    count = session.scalar(select(func.count()).where(MessageRow.conversation_id == conversation_id)) or 0
    if count > MAX_MESSAGES:
        oldest = (
            select(MessageRow.id)
            .where(MessageRow.conversation_id == conversation_id)
            .order_by(MessageRow.id)
            .limit(count - MAX_MESSAGES)
        )
        session.execute(delete(MessageRow).where(MessageRow.id.in_(list(session.scalars(oldest)))))

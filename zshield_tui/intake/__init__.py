"""Live intake: alerts that arrive while zshield runs, rather than from a file named once.

`receive` serves `POST /alerts` for senders that push (DESIGN §2, `zshield receive`).
Nothing is imported here, so each intake loads only what it uses.
"""

"""Recording an answer: the flow shared by the interview and call screens."""

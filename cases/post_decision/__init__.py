"""ALL POST DECISION OPTIONS: what an office may do after a decision (reconsideration,
peer-to-peer, appeal, retrospective review) and the requests it makes."""

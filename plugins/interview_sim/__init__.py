"""The interview simulator: a serious game that draws questions and incidents at random."""

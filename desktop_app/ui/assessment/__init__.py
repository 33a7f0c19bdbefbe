"""年度考核: the page of the year's scores, the rules dialog, the hand-entered points."""

"""The reviewer's case screen: everything the office entered, the pathway's answers with the
criteria each met or missed, the uploads shown in the page, the reviewers' notes, the status
history, the letters, the post-decision requests and the due time."""

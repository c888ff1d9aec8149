"""Lead capture: web-to-lead forms, quizzes, spam defence and attribution (issue 18)."""

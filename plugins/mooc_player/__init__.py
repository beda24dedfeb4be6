"""The MOOC player: the store's own online courses, progress, quizzes and certificates."""

"""The error a service function raises when a domain rule refuses a change."""


class RuleBroken(Exception):
    """A change that a rule of the domain refuses.

    `property_name` is the Nexudus property at fault (`CoworkerId`), so every
    face can show the refusal beside what the person gave.
    """

    def __init__(self, property_name, attempted_value, message):
        super().__init__(message)
        self.property_name = property_name
        self.attempted_value = attempted_value
        self.message = message

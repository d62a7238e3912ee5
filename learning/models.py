"""Every domain's models, imported so that the metadata (and Alembic) knows all tables."""

from learning.accounts.models import User, UserRole, UserSession
from learning.announcements.models import Announcement, AnnouncementRecipient
from learning.assessments.models import Answer, Response
from learning.catalog.models import Course, CourseFacilitator, CourseImage, Item, Module
from learning.certificates.models import Certificate
from learning.cohorts.models import Cohort, CohortManager, Enrolment, ModuleSchedule
from learning.instruments.models import Band, Dimension, Feedback, Instrument, Statement
from learning.jobs.models import FailedJob
from learning.mail.models import OutboxMessage
from learning.progress.models import Progress
from learning.reports.models import DueReminder, Reminder

__all__ = [
    "Announcement", "AnnouncementRecipient", "Answer", "Band", "Certificate", "Cohort",
    "CohortManager", "Course", "CourseFacilitator", "CourseImage", "Dimension", "DueReminder",
    "Enrolment", "FailedJob", "Feedback", "Instrument", "Item", "Module", "ModuleSchedule",
    "OutboxMessage", "Progress", "Reminder",
    "Response", "Statement", "User", "UserRole", "UserSession",
]

"""Locust user for tools/compare-load-generators.sh: POST the file named by BODY_FILE as text/plain to the
TorchServe REST path named by TARGET_PATH, as the serving studies' Locust files did (HttpUser, no wait time)."""
import os

from locust import HttpUser, task

BODY = open(os.environ["BODY_FILE"], "rb").read()
PATH = os.environ["TARGET_PATH"]


class ClosedLoopUser(HttpUser):
    @task
    def predict(self):
        self.client.post(PATH, data=BODY, headers={"Content-Type": "text/plain"})

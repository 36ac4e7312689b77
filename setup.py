"""Packaging glue that pyproject.toml cannot express (everything else is in pyproject.toml).

models/ is the project's top-level home of the bundled data (catalogue, abbreviations, lexicon), edited
by people who never open cardscan/. The wheel carries it as the package ``cardscan.models``, where
``cardscan.resources.bundled_file`` finds it with importlib.resources; a checkout finds it beside the
package. Packages are discovered, so a new subpackage of cardscan/ needs no entry here.
"""
from setuptools import find_namespace_packages, setup

packages = find_namespace_packages(include=["cardscan", "cardscan.*"], exclude=["*.__pycache__"])
setup(packages=[*packages, "cardscan.models"], package_dir={"cardscan.models": "models"})

"""A throwaway provider that lives only in the test suite: copied into a temporary folder on
``app.providers``' path, it is found the way a real provider is (tests/test_one_folder.py)."""

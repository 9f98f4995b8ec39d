"""`echoctl`: upload videos, watch their jobs live, and list what Echo holds."""

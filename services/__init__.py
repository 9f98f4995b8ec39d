"""Echo's services. Each sub-package runs as its own process; they share only
`contracts` and `services.common`, never each other's code."""

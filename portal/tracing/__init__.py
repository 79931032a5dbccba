"""Health tracers: cases, a case's visits and contacts, exposure windows that warn visitors."""

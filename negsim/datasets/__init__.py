"""Real negotiation data shipped with negsim, checksum-verified on load.

``load_deu`` returns the DEU II data (Thomson et al. 2012) as numpy arrays with the issues
first; ``load_bdm1994_emissions`` returns Bueno de Mesquita's (1994) EC car-emissions case as
tabulated by Scholz, Calbert & Smith (2011). See ``data/README.md`` for citations and licences.
"""

from negsim.datasets._loaders import (
    BDMCase,
    DatasetError,
    DEUData,
    load_bdm1994_emissions,
    load_deu,
)

__all__ = ["BDMCase", "DEUData", "DatasetError", "load_bdm1994_emissions", "load_deu"]
